//! The closed vocabularies live with the entities that store them; the API names them from here.

pub use entity::vocab::*;
