# The caller, as a root module calling the trussworks-style module: the log bucket exists
# already and is given by name.
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

module "cloudtrail" {
  source = "./modules/cloudtrail"

  s3_bucket_name     = "acme-org-cloudtrail-logs"
  log_retention_days = 365
}
