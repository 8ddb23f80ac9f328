//! `sum-mismatch`: a table's parts do not add up to the total stated for it (a `Total` row, or
//! a `**$396M total:**` line right above the table), beyond the precision the figures are
//! written with.

use serde_yaml::Value;

use super::{NoteContext, Rule, RuleMeta};
use crate::figures::value::{Agreement, check_sum, display, sum};
use crate::finding::{Diagnostic, Related, Severity};
use crate::model::Note;
use crate::model::figure::SumSource;

pub static META: RuleMeta = RuleMeta {
    id: "sum-mismatch",
    default_severity: Severity::Warning,
    summary: "A table's rows do not add up to the total stated for it",
    doc: include_str!("../../rules/sum-mismatch.md"),
    build,
};

struct SumMismatch;

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    super::no_options(options)?;
    Ok(Box::new(SumMismatch))
}

impl Rule for SumMismatch {
    fn check_note(&self, _cx: &NoteContext<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        for claim in &note.sum_claims {
            let parts: Vec<_> = claim.parts.iter().map(|p| p.quantity).collect();
            if check_sum(&parts, &claim.total.quantity) != Agreement::Disagree {
                continue;
            }
            let Some(added) = sum(&parts) else { continue };
            let added = display(&added);
            let column = claim.column.replace(['*', '`'], "");
            let (message, label) = match claim.source {
                SumSource::TotalRow => (
                    format!(
                        "Rows of `{column}` add up to {added}, not the {} in the Total row",
                        claim.total.text
                    ),
                    "total row",
                ),
                SumSource::StatedTotal => (
                    format!(
                        "Rows of `{column}` add up to {added}, not the stated total {}",
                        claim.total.text
                    ),
                    "stated total",
                ),
            };
            out.push(
                Diagnostic::new(claim.total.span, message, label)
                    .with_related(Related {
                        path: None,
                        span: claim.column_span,
                        label: format!("these rows add up to {added}"),
                    })
                    .with_help("Fix the total or the rows, or add the missing row"),
            );
        }
    }
}
