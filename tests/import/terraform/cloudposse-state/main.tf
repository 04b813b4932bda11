# The caller, as cloudposse's examples call terraform-aws-cloudtrail-s3-bucket and
# terraform-aws-cloudtrail: a label (namespace-stage-name) names everything; the bucket module's
# id is the trail's bucket.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

locals {
  id = "eg-prod-cloudtrail"
}

module "cloudtrail_s3_bucket" {
  source = "./modules/cloudtrail-s3-bucket"

  id = local.id
}

resource "aws_sns_topic" "cloudtrail" {
  name = "${local.id}-notifications"
}

module "cloudtrail" {
  source = "./modules/cloudtrail"

  id                            = local.id
  s3_bucket_name                = module.cloudtrail_s3_bucket.bucket_id
  sns_topic_name                = aws_sns_topic.cloudtrail.name
  enable_log_file_validation    = true
  include_global_service_events = true
  is_multi_region_trail         = true
  insight_selector              = [{ insight_type = "ApiCallRateInsight" }]

  advanced_event_selector = [
    {
      name = "Management events except KMS"
      field_selector = [
        { field = "eventCategory", equals = ["Management"] },
        { field = "eventSource", not_equals = ["kms.amazonaws.com"] },
      ]
    },
    {
      name = "Object events in the uploads bucket"
      field_selector = [
        { field = "eventCategory", equals = ["Data"] },
        { field = "resources.type", equals = ["AWS::S3::Object"] },
        { field = "resources.ARN", starts_with = ["arn:aws:s3:::eg-prod-uploads/"] },
      ]
    },
  ]
}
