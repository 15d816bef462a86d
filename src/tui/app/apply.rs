//! Applying a remediation from the workbench. Off unless Docket was started with
//! `--allow-changes`; then the operator confirms by typing the object's name, the runtime
//! runs a dry run first (server-side for Kubernetes), applies, re-reads that object to
//! verify, and each step comes back here to be recorded in the session log.

use super::dialog::{Dialog, DialogKind, Field};
use super::App;
use crate::remediate::{self, Plan, PlanKind, Target};
use crate::session::{Event, RemediationAction};
use crate::sources::apply::change_for;
use crate::tui::msg::{ApplyRequest, ApplyStage, ApplyStep, Effect};

/// What applying the plan would do and the object the operator types to confirm, or why
/// Docket cannot apply it.
pub fn applicable(plan: &Plan) -> Result<(String, String), String> {
    if let Some(change) = change_for(plan) {
        return Ok((change.describe(), change.object()));
    }
    Err(match (&plan.target, &plan.kind) {
        (Target::Docker { .. }, PlanKind::DockerRun { .. }) => {
            "the fix re-creates the container with other flags, which Docket does not do: \
             run the commands on the remediation tab (containment is offered for running \
             containers only)"
        }
        (Target::Kube { .. }, PlanKind::KubePatch { .. } | PlanKind::KubeManifest { .. }) => {
            "the patch has a placeholder to fill in first: copy it from the remediation tab"
        }
        _ => "this plan has manual steps only: follow the remediation tab",
    }
    .to_string())
}

impl App {
    /// `c`: the selected finding's plan, as text, to the clipboard; recorded as copied.
    pub(super) fn copy_plan(&mut self) -> Vec<Effect> {
        let targets = self.triage_targets();
        let (Some(&index), Some(bench)) = (targets.first(), &self.data) else {
            self.say("select a finding to copy its remediation plan".into());
            return Vec::new();
        };
        let Some(f) = bench.scan.findings.get(index) else {
            return Vec::new();
        };
        let plan = remediate::plan(f, &bench.snapshot);
        let effects = vec![
            Effect::Copy(remediate::render(&plan)),
            Effect::Record(Event::Remediation {
                action: RemediationAction::Copied,
                fingerprint: f.fingerprint.clone(),
                target: plan.summary.clone(),
                plan_digest: remediate::digest(&plan),
                dry_run: false,
                detail: format!("{} plan copied", f.check_id),
            }),
        ];
        self.say(format!(
            "plan for {} copied to the clipboard (terminals with OSC 52)",
            plan.summary
        ));
        effects
    }

    /// `A`: ask for confirmation of the selected finding's remediation.
    pub(super) fn apply_selected(&mut self) {
        let targets = self.triage_targets();
        let (Some(&index), Some(bench)) = (targets.first(), &self.data) else {
            self.say("select a finding to apply its remediation".into());
            return;
        };
        let Some(finding) = bench.scan.findings.get(index) else {
            return;
        };
        let plan = remediate::plan(finding, &bench.snapshot);
        if !self.allow_changes {
            self.error(
                "read-only session: Docket changes nothing unless started with --allow-changes \
                 (the plan is on the finding's remediation tab)"
                    .into(),
            );
            return;
        }
        let (what, object) = match applicable(&plan) {
            Ok(w) => w,
            Err(why) => {
                self.error(why);
                return;
            }
        };
        let mut subject = vec![
            format!("{} on {}", finding.check_id, finding.resource.display()),
            format!("will {what}"),
        ];
        if matches!(plan.target, Target::Kube { .. }) {
            subject.push("a server-side dry run runs first; nothing changes if it fails".into());
        } else {
            subject.push("Docker has no dry run: the container is inspected first".into());
        }
        subject.push(format!("type the object ({object}) and press enter"));
        self.dialog = Some(
            Dialog::new(
                DialogKind::Apply {
                    finding: index,
                    object,
                },
                "Apply remediation",
                subject,
            )
            .with(Field::line(
                "confirm",
                "esc cancels; nothing has changed yet",
                "",
            )),
        );
    }

    pub(super) fn submit_apply(&mut self, mut dialog: Dialog) -> Vec<Effect> {
        let DialogKind::Apply { finding, object } = dialog.kind.clone() else {
            return Vec::new();
        };
        if dialog.value(0).trim() != object {
            dialog.error = Some(format!("type {object} exactly to apply"));
            self.dialog = Some(dialog);
            return Vec::new();
        }
        let Some(bench) = &self.data else {
            return Vec::new();
        };
        let Some(f) = bench.scan.findings.get(finding).cloned() else {
            return Vec::new();
        };
        let plan = remediate::plan(&f, &bench.snapshot);
        self.say(format!("applying to {object}: dry run first ..."));
        vec![
            Effect::Record(Event::Remediation {
                action: RemediationAction::Planned,
                fingerprint: f.fingerprint.clone(),
                target: plan.summary.clone(),
                plan_digest: remediate::digest(&plan),
                dry_run: true,
                detail: format!("confirmed by {} (typed {object})", self.operator),
            }),
            Effect::Apply(Box::new(ApplyRequest { finding: f, plan })),
        ]
    }

    /// A step of a running apply: record it, tell the operator, rescan when it is done.
    pub(super) fn apply_step(&mut self, step: ApplyStep) -> Vec<Effect> {
        let (action, dry_run) = match step.stage {
            ApplyStage::DryRun => (RemediationAction::Applied, true),
            ApplyStage::Applied => (RemediationAction::Applied, false),
            ApplyStage::Verified => (RemediationAction::Verified, false),
            ApplyStage::NotVerified | ApplyStage::Failed => (RemediationAction::Failed, false),
        };
        let text = match step.stage {
            ApplyStage::DryRun => format!("dry run passed: {}", step.detail),
            ApplyStage::Applied => format!("applied: {}", step.detail),
            ApplyStage::Verified => format!("verified: {}", step.detail),
            ApplyStage::NotVerified => format!("applied but not verified: {}", step.detail),
            ApplyStage::Failed => format!("apply failed: {}", step.detail),
        };
        let done = matches!(
            step.stage,
            ApplyStage::Verified | ApplyStage::NotVerified | ApplyStage::Failed
        );
        if matches!(step.stage, ApplyStage::Failed | ApplyStage::NotVerified) {
            self.error(text);
        } else {
            self.say(text);
        }
        let mut effects = vec![Effect::Record(Event::Remediation {
            action,
            fingerprint: step.fingerprint,
            target: step.target,
            plan_digest: step.plan_digest,
            dry_run,
            detail: step.detail,
        })];
        if done && step.stage != ApplyStage::Failed {
            effects.extend(self.rescan());
        }
        effects
    }
}
