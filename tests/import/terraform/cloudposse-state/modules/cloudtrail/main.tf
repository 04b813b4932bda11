# The trail, as terraform-aws-cloudtrail declares it: counted on `enabled`, with dynamic blocks
# for the selectors a caller passes.
variable "enabled" {
  type    = bool
  default = true
}

variable "id" {
  type = string
}

variable "s3_bucket_name" {
  type = string
}

variable "sns_topic_name" {
  type    = string
  default = null
}

variable "enable_logging" {
  type    = bool
  default = true
}

variable "enable_log_file_validation" {
  type    = bool
  default = true
}

variable "is_multi_region_trail" {
  type    = bool
  default = false
}

variable "include_global_service_events" {
  type    = bool
  default = false
}

variable "is_organization_trail" {
  type    = bool
  default = false
}

variable "advanced_event_selector" {
  type = list(object({
    name = optional(string)
    field_selector = list(object({
      field       = string
      equals      = optional(list(string))
      not_equals  = optional(list(string))
      starts_with = optional(list(string))
    }))
  }))
  default = []
}

variable "insight_selector" {
  type    = list(object({ insight_type = string }))
  default = []
}

resource "aws_cloudtrail" "default" {
  count = var.enabled ? 1 : 0

  name                          = var.id
  s3_bucket_name                = var.s3_bucket_name
  sns_topic_name                = var.sns_topic_name
  enable_logging                = var.enable_logging
  enable_log_file_validation    = var.enable_log_file_validation
  is_multi_region_trail         = var.is_multi_region_trail
  include_global_service_events = var.include_global_service_events
  is_organization_trail         = var.is_organization_trail
  tags                          = { Namespace = "eg", Stage = "prod", Name = "cloudtrail" }

  dynamic "advanced_event_selector" {
    for_each = var.advanced_event_selector
    content {
      name = advanced_event_selector.value.name
      dynamic "field_selector" {
        for_each = advanced_event_selector.value.field_selector
        content {
          field       = field_selector.value.field
          equals      = field_selector.value.equals
          not_equals  = field_selector.value.not_equals
          starts_with = field_selector.value.starts_with
        }
      }
    }
  }

  dynamic "insight_selector" {
    for_each = var.insight_selector
    content {
      insight_type = insight_selector.value.insight_type
    }
  }
}
