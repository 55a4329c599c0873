//! The Web API client beside RTM (being written).
