//! The rules of the work plans: checks and derived values the handlers share.

use crate::domain::Bilingual;

use super::*;

/// The 4–5 topics guide.
pub fn warnings(topic_count: usize) -> Vec<Warning> {
    if (4..=5).contains(&topic_count) {
        return Vec::new();
    }
    vec![Warning {
        code: "topic_count",
        message: Bilingual {
            ar: format!(
                "تتألف خطة العمل عادة من 4 إلى 5 مواضيع رئيسية، وفي هذه الخطة {topic_count}."
            ),
            en: format!("A work plan usually has 4 to 5 main topics; this one has {topic_count}."),
        },
    }]
}
