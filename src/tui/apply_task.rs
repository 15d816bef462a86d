//! The runtime half of applying a remediation: connect to the platform the plan targets,
//! dry run, apply, re-read the object to verify, and send each step back to the app (which
//! records it in the session log). Runs as its own tokio task; nothing here touches the
//! terminal.

use tokio::sync::mpsc;

use super::msg::{ApplyRequest, ApplyStage, ApplyStep, Msg, SourcePlan};
use crate::remediate::{self, Target};
use crate::sources::apply::{change_for, Applier};

pub async fn run(req: ApplyRequest, plan: SourcePlan, tx: mpsc::Sender<Msg>) {
    let step = |stage: ApplyStage, detail: String| {
        Msg::Apply(ApplyStep {
            fingerprint: req.finding.fingerprint.clone(),
            target: req.plan.summary.clone(),
            plan_digest: remediate::digest(&req.plan),
            stage,
            detail,
        })
    };
    let Some(change) = change_for(&req.plan) else {
        let _ = tx
            .send(step(
                ApplyStage::Failed,
                "this plan cannot be applied".into(),
            ))
            .await;
        return;
    };
    // Connect only to the platform the plan targets, with the session's own flags.
    let (docker, kube) = match &req.plan.target {
        Target::Docker { .. } => (Some(plan.docker.clone().unwrap_or(None)), None),
        Target::Kube { .. } => (None, Some(plan.kube.clone().unwrap_or_default())),
    };
    let applier = match Applier::connect(docker, kube).await {
        Ok(a) => a,
        Err(e) => {
            let _ = tx.send(step(ApplyStage::Failed, e)).await;
            return;
        }
    };
    match applier.dry_run(&change).await {
        Ok(out) => {
            let _ = tx.send(step(ApplyStage::DryRun, out)).await;
        }
        Err(e) => {
            let _ = tx
                .send(step(ApplyStage::Failed, format!("dry run: {e}")))
                .await;
            return;
        }
    }
    match applier.apply(&change).await {
        Ok(out) => {
            let _ = tx.send(step(ApplyStage::Applied, out)).await;
        }
        Err(e) => {
            let _ = tx.send(step(ApplyStage::Failed, e.to_string())).await;
            return;
        }
    }
    let msg = match applier.verify(&change, &req.finding).await {
        Ok(v) if v.resolved => step(ApplyStage::Verified, v.detail),
        Ok(v) => step(ApplyStage::NotVerified, v.detail),
        Err(e) => step(ApplyStage::NotVerified, format!("could not re-read: {e}")),
    };
    let _ = tx.send(msg).await;
}
