variable "trail_name" {
  description = "Name of the trail."
  type        = string
  default     = "cloudtrail"
}

variable "s3_bucket_name" {
  description = "Name of the existing bucket the trail delivers to."
  type        = string
}

variable "s3_key_prefix" {
  description = "Prefix of the log files in the bucket."
  type        = string
  default     = "cloudtrail"
}

variable "cloudwatch_log_group_name" {
  description = "Name of the log group the trail also delivers to."
  type        = string
  default     = "cloudtrail-events"
}

variable "log_retention_days" {
  description = "Days the log group keeps events."
  type        = number
  default     = 90
}

variable "key_deletion_window_in_days" {
  description = "Waiting period before the key is deleted."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = { Automation = "Terraform" }
}
