//! `batch` workloads: Jobs and CronJobs.

use k8s_openapi::api::batch::v1 as k;

use super::{LabelSelector, ObjectMeta, PodTemplateSpec};

/// A Job.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Job {
    #[serde(deserialize_with = "super::nullable")]
    pub metadata: ObjectMeta,
    pub spec: Option<JobSpec>,
}

impl From<k::Job> for Job {
    fn from(o: k::Job) -> Self {
        Job {
            metadata: o.metadata.into(),
            spec: o.spec.map(Into::into),
        }
    }
}

/// How a Job runs: completions, parallelism, its selector, TTL and template.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JobSpec {
    pub completion_mode: Option<String>,
    pub completions: Option<i32>,
    pub manual_selector: Option<bool>,
    pub parallelism: Option<i32>,
    pub selector: Option<LabelSelector>,
    #[serde(deserialize_with = "super::nullable")]
    pub template: PodTemplateSpec,
    pub ttl_seconds_after_finished: Option<i32>,
}

impl From<k::JobSpec> for JobSpec {
    fn from(s: k::JobSpec) -> Self {
        JobSpec {
            completion_mode: s.completion_mode,
            completions: s.completions,
            manual_selector: s.manual_selector,
            parallelism: s.parallelism,
            selector: s.selector.map(Into::into),
            template: s.template.into(),
            ttl_seconds_after_finished: s.ttl_seconds_after_finished,
        }
    }
}

/// A CronJob.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CronJob {
    #[serde(deserialize_with = "super::nullable")]
    pub metadata: ObjectMeta,
    pub spec: Option<CronJobSpec>,
}

impl From<k::CronJob> for CronJob {
    fn from(o: k::CronJob) -> Self {
        CronJob {
            metadata: o.metadata.into(),
            spec: o.spec.map(Into::into),
        }
    }
}

/// A CronJob's schedule, its concurrency and deadline settings, and its Job template.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CronJobSpec {
    pub concurrency_policy: Option<String>,
    #[serde(deserialize_with = "super::nullable")]
    pub job_template: JobTemplateSpec,
    #[serde(deserialize_with = "super::nullable")]
    pub schedule: String,
    pub starting_deadline_seconds: Option<i64>,
    pub time_zone: Option<String>,
}

impl From<k::CronJobSpec> for CronJobSpec {
    fn from(s: k::CronJobSpec) -> Self {
        CronJobSpec {
            concurrency_policy: s.concurrency_policy,
            job_template: s.job_template.into(),
            schedule: s.schedule,
            starting_deadline_seconds: s.starting_deadline_seconds,
            time_zone: s.time_zone,
        }
    }
}

/// A CronJob's Job template (its metadata is not read).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JobTemplateSpec {
    pub spec: Option<JobSpec>,
}

impl From<k::JobTemplateSpec> for JobTemplateSpec {
    fn from(t: k::JobTemplateSpec) -> Self {
        JobTemplateSpec {
            spec: t.spec.map(Into::into),
        }
    }
}
