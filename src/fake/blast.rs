//! The throughput fast path: one server text frame encoded once and written many times.

/// How many bytes of repeated frames go into one `write` call.
const BATCH_BYTES: usize = 64 * 1024;

/// A run of identical, pre-encoded websocket text frames, shared by every session that
/// writes it.
#[derive(Debug)]
pub(crate) struct FrameBatch {
    /// `per_batch` copies of the frame, back to back.
    bytes: Vec<u8>,
    frame_len: usize,
    per_batch: usize,
}

impl FrameBatch {
    /// Encodes `text` as a single unmasked server frame (FIN + text opcode) and repeats it
    /// to fill about 64 KiB, but no more than `n` times.
    pub(crate) fn new(text: &str, n: usize) -> Self {
        let frame = encode_text_frame(text.as_bytes());
        let per_batch = (BATCH_BYTES / frame.len()).clamp(1, n.max(1));
        Self {
            bytes: frame.repeat(per_batch),
            frame_len: frame.len(),
            per_batch,
        }
    }

    /// The bytes holding `min(frames, per_batch)` frames: the next chunk to write when
    /// `frames` are still to go.
    pub(crate) fn chunk(&self, frames: usize) -> (&[u8], usize) {
        let count = frames.min(self.per_batch);
        (&self.bytes[..count * self.frame_len], count)
    }
}

/// The wire form of an unmasked, final text frame carrying `payload` (RFC 6455 §5.2).
pub(crate) fn encode_text_frame(payload: &[u8]) -> Vec<u8> {
    const FIN_TEXT: u8 = 0x81;
    let len = payload.len();
    let mut frame = Vec::with_capacity(len + 10);
    frame.push(FIN_TEXT);
    if len < 126 {
        frame.push(len as u8);
    } else if let Ok(short) = u16::try_from(len) {
        frame.push(126);
        frame.extend_from_slice(&short.to_be_bytes());
    } else {
        frame.push(127);
        frame.extend_from_slice(&(len as u64).to_be_bytes());
    }
    frame.extend_from_slice(payload);
    frame
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_encodings() {
        assert_eq!(encode_text_frame(b"hi"), vec![0x81, 2, b'h', b'i']);
        let medium = encode_text_frame(&[b'a'; 300]);
        assert_eq!(&medium[..4], &[0x81, 126, 0x01, 0x2c]);
        assert_eq!(medium.len(), 304);
        let long = encode_text_frame(&vec![b'a'; 70_000]);
        assert_eq!(&long[..2], &[0x81, 127]);
        assert_eq!(&long[2..10], &70_000u64.to_be_bytes());
        assert_eq!(long.len(), 70_010);
    }

    #[test]
    fn batches_hold_whole_frames_and_never_more_than_asked() {
        let batch = FrameBatch::new("{\"type\":\"x\"}", 1_000_000);
        let (bytes, count) = batch.chunk(usize::MAX);
        assert_eq!(bytes.len(), count * 14);
        assert!(bytes.len() <= BATCH_BYTES && bytes.len() > BATCH_BYTES - 14);
        assert_eq!(batch.chunk(3).1, 3);
        assert_eq!(FrameBatch::new("x", 2).chunk(10).1, 2);
    }
}
