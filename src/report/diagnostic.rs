//! A finding: what rule, how severe, where, about which object, and how to fix it.

use std::borrow::Cow;
use std::fmt;

use smol_str::SmolStr;

use crate::model::{Location, Object};
use crate::source::{FileId, Span};

/// How bad a finding is; ordered so that `Error > Warning > Info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    /// The lower-case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which object a diagnostic is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    pub api_version: SmolStr,
    pub kind: SmolStr,
    pub namespace: Option<SmolStr>,
    pub name: Option<SmolStr>,
    pub document: u32,
}

impl ObjectRef {
    /// The reference to an inventory object.
    pub fn of(obj: &Object) -> ObjectRef {
        ObjectRef {
            api_version: obj.api_version.clone(),
            kind: obj.kind.clone(),
            namespace: obj.namespace.clone(),
            name: obj.name.clone(),
            document: obj.document,
        }
    }
}

/// A second place that explains the finding (the other object of a pair).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub file: FileId,
    pub span: Span,
    pub message: String,
    /// For a place mapped back from a built stream: where it is in that stream.
    pub rendered: Option<(FileId, Span)>,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Most rules' fixes are fixed text: borrowed, they cost nothing per finding.
    pub help: Option<Cow<'static, str>>,
    pub file: FileId,
    pub span: Span,
    /// The field path inside the object, when the finding is about a field.
    pub path: Option<Box<str>>,
    pub object: Option<ObjectRef>,
    pub related: Vec<Related>,
    /// Set on a diagnostic that a suppression silenced (listed only with `--show-suppressed`).
    /// Boxed: rare, and every finding of a run is held at once.
    pub suppressed: Option<Box<Suppression>>,
    /// The apply unit the finding belongs to (its object's), when known.
    pub unit: Option<crate::model::UnitId>,
    /// For a finding on a built object, placed where the user wrote the field: where it is
    /// in the built stream (`file` and `span` are then the user's file).
    pub rendered: Option<(FileId, Span)>,
}

/// The kinds of suppression kplint honours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressedBy {
    /// `ignore.kplint.io/<rule>` on the object or its pod template.
    Annotation,
    /// `# kplint-ignore <rule>` on the line or the line above.
    Comment,
    /// `# kplint-ignore-file <rule>` in the document.
    FileComment,
    /// An `ignore:` entry of the configuration file.
    Config,
}

impl SuppressedBy {
    /// The name used in JSON (`"by"`) and in the human report.
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressedBy::Annotation => "annotation",
            SuppressedBy::Comment => "comment",
            SuppressedBy::FileComment => "file-comment",
            SuppressedBy::Config => "config",
        }
    }
}

/// Why a diagnostic is not counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub by: SuppressedBy,
    pub reason: Option<String>,
}

impl Diagnostic {
    /// A finding at `at` with the rule's default severity.
    pub fn new(
        rule: &'static str,
        severity: Severity,
        at: Location,
        message: impl Into<String>,
    ) -> Diagnostic {
        let mut message = message.into();
        // `format!` leaves up to half its buffer spare, and every finding is held to the end.
        message.shrink_to_fit();
        Diagnostic {
            rule,
            severity,
            message,
            help: None,
            file: at.file,
            span: at.span,
            path: None,
            object: None,
            related: Vec::new(),
            suppressed: None,
            unit: None,
            rendered: None,
        }
    }

    /// A diagnostic that holds no allocation, to stand in for one moved out of a list.
    pub fn placeholder() -> Diagnostic {
        Diagnostic::new("", Severity::Info, Location::default(), String::new())
    }

    /// Reports at `severity` instead of the rule's default (a rule's milder case).
    pub fn severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }

    /// Adds the fix.
    pub fn help(mut self, help: impl Into<Cow<'static, str>>) -> Diagnostic {
        let mut help = help.into();
        if let Cow::Owned(text) = &mut help {
            text.shrink_to_fit();
        }
        self.help = Some(help);
        self
    }

    /// Records the field path.
    pub fn path(mut self, path: impl Into<String>) -> Diagnostic {
        self.path = Some(path.into().into_boxed_str());
        self
    }

    /// Records the object the finding is about.
    pub fn object(mut self, obj: &Object) -> Diagnostic {
        self.object = Some(ObjectRef::of(obj));
        self.unit = (obj.unit != crate::model::CONTEXT_UNIT).then_some(obj.unit);
        self
    }

    /// Adds a related location.
    pub fn related(mut self, at: Location, message: impl Into<String>) -> Diagnostic {
        self.related.push(Related {
            file: at.file,
            span: at.span,
            message: message.into(),
            rendered: None,
        });
        self
    }
}
