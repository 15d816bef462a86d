//! Reports: one pure renderer per format, `&Report -> String`.
