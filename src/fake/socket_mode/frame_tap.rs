//! [`FrameTap`]: the bytes a client writes, watched on their way into tungstenite, so
//! that the fake knows how many websocket frames each message came in. tungstenite
//! reassembles fragmented messages; Slack does not: an ack must be one unfragmented text
//! frame (protocol §6), and the fake records a fragmented one as such, not as an ack.
//!
//! Frame headers are parsed with tungstenite's own [`FrameHeader::parse`]; payloads are
//! skipped by length. Control frames (which may come between fragments) are not counted.

use std::collections::VecDeque;
use std::io::{self, Cursor, Read, Write};
use std::os::fd::{AsFd, BorrowedFd};

use tungstenite::protocol::frame::coding::{Data, OpCode};
use tungstenite::protocol::frame::FrameHeader;

use crate::net::stream::Stream;

/// The longest websocket frame header (RFC 6455 §5.2).
const MAX_HEADER: usize = 14;

/// Counts frames per data message from the raw byte stream. Pure: bytes in, counts out.
#[derive(Debug, Default)]
pub(crate) struct FrameCounter {
    /// Header bytes seen so far of a header not yet complete.
    header: Vec<u8>,
    /// Payload bytes of the current frame still to skip.
    skip: u64,
    /// Frames so far of a data message whose final frame has not come.
    open: Option<u32>,
    /// Frames of each data message completed and not yet taken, oldest first.
    done: VecDeque<u32>,
    /// The stream is not websocket framing any more (tungstenite will fail it too).
    broken: bool,
}

impl FrameCounter {
    /// Feeds bytes read from the client.
    pub(crate) fn feed(&mut self, mut data: &[u8]) {
        while !data.is_empty() && !self.broken {
            if self.skip > 0 {
                let n = usize::try_from(self.skip)
                    .unwrap_or(usize::MAX)
                    .min(data.len());
                self.skip -= n as u64;
                data = &data[n..];
                continue;
            }
            let take = (MAX_HEADER - self.header.len()).min(data.len());
            self.header.extend_from_slice(&data[..take]);
            let mut cursor = Cursor::new(&self.header[..]);
            match FrameHeader::parse(&mut cursor) {
                Ok(Some((header, len))) => {
                    let used = usize::try_from(cursor.position()).unwrap_or(usize::MAX);
                    let unused = self.header.len().saturating_sub(used);
                    data = &data[take.saturating_sub(unused)..];
                    self.header.clear();
                    self.skip = len;
                    self.frame(&header);
                }
                Ok(None) if self.header.len() < MAX_HEADER => data = &data[take..],
                Ok(None) | Err(_) => self.broken = true,
            }
        }
    }

    fn frame(&mut self, header: &FrameHeader) {
        let count = match header.opcode {
            OpCode::Data(Data::Text | Data::Binary) => 1,
            OpCode::Data(Data::Continue) => match self.open {
                Some(n) => n.saturating_add(1),
                // A continuation with nothing to continue: tungstenite refuses it.
                None => return,
            },
            // Control frames, and reserved data opcodes tungstenite refuses.
            _ => return,
        };
        if header.is_final {
            self.open = None;
            self.done.push_back(count);
        } else {
            self.open = Some(count);
        }
    }

    /// How many frames the oldest completed data message came in (1: unfragmented);
    /// `None` when none is known (a broken stream).
    pub(crate) fn take_message(&mut self) -> Option<u32> {
        self.done.pop_front()
    }
}

/// A [`Stream`] whose reads are counted by a [`FrameCounter`] once
/// [`FrameTap::start_counting`] is called (after the HTTP upgrade: a client sends no
/// frame before it has read the 101).
pub(crate) struct FrameTap {
    inner: Stream,
    counting: bool,
    pub(crate) frames: FrameCounter,
}

impl FrameTap {
    pub(crate) fn new(inner: Stream) -> Self {
        Self {
            inner,
            counting: false,
            frames: FrameCounter::default(),
        }
    }

    pub(crate) fn start_counting(&mut self) {
        self.counting = true;
    }

    pub(crate) fn tcp(&self) -> &std::net::TcpStream {
        self.inner.tcp()
    }
}

impl AsFd for FrameTap {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl Read for FrameTap {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if self.counting {
            self.frames.feed(&buf[..n]);
        }
        Ok(n)
    }
}

impl Write for FrameTap {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tungstenite::protocol::frame::Frame;

    fn bytes(frames: Vec<Frame>) -> Vec<u8> {
        let mut out = Vec::new();
        for mut f in frames {
            f.header_mut().mask = Some([1, 2, 3, 4]);
            f.format(&mut out).unwrap();
        }
        out
    }

    fn text(s: &str, fin: bool) -> Frame {
        Frame::message(s.as_bytes().to_vec(), OpCode::Data(Data::Text), fin)
    }

    fn cont(s: &str, fin: bool) -> Frame {
        Frame::message(s.as_bytes().to_vec(), OpCode::Data(Data::Continue), fin)
    }

    #[test]
    fn an_unfragmented_message_is_one_frame_and_a_fragmented_one_counts_its_frames() {
        let mut c = FrameCounter::default();
        c.feed(&bytes(vec![
            text("{\"envelope_id\":\"a\"}", true),
            text("{\"env", false),
            Frame::ping(b"x".to_vec()),
            cont("elope_id\":", false),
            cont("\"b\"}", true),
        ]));
        assert_eq!(c.take_message(), Some(1));
        assert_eq!(c.take_message(), Some(3));
        assert_eq!(c.take_message(), None);
    }

    #[test]
    fn headers_and_payloads_split_across_reads_are_counted_the_same() {
        let big = "x".repeat(70_000); // a 64-bit length header
        let all = bytes(vec![text(&big, false), cont("y", true), text("z", true)]);
        for chunk in [1, 2, 3, 7, 13, 4096] {
            let mut c = FrameCounter::default();
            for piece in all.chunks(chunk) {
                c.feed(piece);
            }
            assert_eq!(c.take_message(), Some(2), "chunks of {chunk}");
            assert_eq!(c.take_message(), Some(1), "chunks of {chunk}");
        }
    }

    #[test]
    fn garbage_marks_the_stream_broken_without_a_panic() {
        let mut c = FrameCounter::default();
        c.feed(&[0xff; 64]);
        c.feed(&[0x81, 0xff, 0xff, 0xff]);
        assert_eq!(c.take_message(), None);
    }
}
