//! Enterprise Grid duplicate filter (being written).
