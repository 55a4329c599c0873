//! The byte stream under a websocket or an HTTP exchange: plain TCP or TLS over TCP. The
//! client's side runs over a [`Socket`](crate::net::socket::Socket) (deadline and cancel
//! while dialing); the fake Slack's side over a plain `TcpStream`.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::os::fd::{AsFd, BorrowedFd};

use crate::net::socket::Socket;

/// Something with a TCP socket underneath.
pub(crate) trait HasTcp {
    /// The TCP socket.
    fn tcp(&self) -> &TcpStream;
}

impl HasTcp for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }
}

impl HasTcp for Socket {
    fn tcp(&self) -> &TcpStream {
        Socket::tcp(self)
    }
}

/// A connected stream, client or server side.
#[derive(Debug)]
pub(crate) enum Stream<S = TcpStream> {
    /// `ws://` / `http://`.
    Plain(S),
    /// `wss://` / `https://`.
    Tls(Box<native_tls::TlsStream<S>>),
}

impl<S: HasTcp> Stream<S> {
    /// The TCP socket underneath.
    pub(crate) fn tcp(&self) -> &TcpStream {
        self.inner().tcp()
    }

    /// The stream under TLS (if any).
    pub(crate) fn inner(&self) -> &S {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => s.get_ref(),
        }
    }

    /// The stream under TLS (if any), mutably.
    pub(crate) fn inner_mut(&mut self) -> &mut S {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => s.get_mut(),
        }
    }
}

impl<S: HasTcp> AsFd for Stream<S> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.tcp().as_fd()
    }
}

impl<S: Read + Write> Read for Stream<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl<S: Read + Write> Write for Stream<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}
