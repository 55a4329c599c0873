//! Opening a TCP connection through the user's [`Connector`](crate::Connector) (defined
//! with the settings, in `config/connector.rs`): the I/O side of a [`ConnectorRef`].

use std::io;
use std::net::TcpStream;
use std::time::Duration;

use crate::config::ConnectorRef;

impl ConnectorRef {
    /// Opens a connection, with Nagle off (RTM frames are small and latency matters).
    pub(crate) fn open(&self, host: &str, port: u16, timeout: Duration) -> io::Result<TcpStream> {
        let stream = self.0.connect(host, port, timeout)?;
        stream.set_nodelay(true)?;
        Ok(stream)
    }
}
