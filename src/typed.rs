//! Typed RTM events (being written).
