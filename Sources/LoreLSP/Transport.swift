import Foundation

/// One frame read from the client: a message body, a frame that could not be read, or the end of
/// the input.
enum Frame: Sendable {
    /// The bytes of one message (`Content-Length` of them).
    case message(Data)
    /// A header that is not LSP's, or a body larger than the limit (skipped): answered with an
    /// error, then reading goes on with the next frame.
    case malformed(String)
    /// The client closed its end.
    case end
}

/// Reads LSP's base protocol from a file descriptor: header lines (`Content-Length: N`, optional
/// `Content-Type`) ended by an empty line, then N bytes. Malformed headers are reported and
/// skipped to the next empty line; a `Content-Length` over `maxContentLength` is reported and its
/// bytes read and dropped, never held in memory.
final class FrameReader {
    /// The largest message body kept (64 MiB).
    static let maxContentLength = 64 << 20
    /// The longest header section accepted.
    static let maxHeaderLength = 8 << 10

    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    /// Bytes of a message too large to keep, still to be read and dropped.
    private var toSkip = 0

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// The next frame; `.end` once the input is closed.
    func next() -> Frame {
        if toSkip > 0 {
            skip(toSkip)
            toSkip = 0
        }
        var scanned = start
        while true {
            if let (end, after) = Self.emptyLine(in: buffer, from: start, scannedTo: scanned) {
                let header = String(decoding: buffer[start..<end], as: UTF8.self)
                start = after
                return body(for: header)
            }
            scanned = max(start, buffer.count - 2)
            if buffer.count - start > Self.maxHeaderLength {
                // Drop what was read; keep the tail, which may begin the next frame's header.
                start = buffer.count - 2
                scanned = start
                compact()
                return .malformed("header section longer than \(Self.maxHeaderLength) bytes")
            }
            guard fill() else {
                let rest = buffer[start...]
                start = buffer.count
                return rest.allSatisfy({ $0 == 10 || $0 == 13 || $0 == 32 }) ? .end : .malformed("input ended inside a header")
            }
        }
    }

    private func body(for header: String) -> Frame {
        var length: Int?
        for line in header.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" || $0 == "\r" }) where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return .malformed("header line without ':': \(line.prefix(80))") }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "content-length" {
                guard let number = Int(value), number >= 0 else { return .malformed("invalid Content-Length: \(value.prefix(40))") }
                length = number
            }
        }
        guard let length else { return .malformed("missing Content-Length header") }
        if length > Self.maxContentLength {
            toSkip = length   // dropped before the next frame is read: the error is answered first
            return .malformed("Content-Length \(length) is larger than the limit of \(Self.maxContentLength) bytes; message skipped")
        }
        while buffer.count - start < length {
            guard fill() else {
                start = buffer.count
                return .end
            }
        }
        let data = Data(buffer[start..<(start + length)])
        start += length
        compact()
        return .message(data)
    }

    /// Reads and drops `count` bytes.
    private func skip(_ count: Int) {
        var left = count
        while left > 0 {
            if start == buffer.count, !fill() { return }
            let take = min(left, buffer.count - start)
            start += take
            left -= take
            compact()
        }
    }

    /// The first empty line (`\r\n\r\n` or `\n\n`) at or after `scannedTo`: where the header ends
    /// and where the body starts.
    private static func emptyLine(in bytes: [UInt8], from start: Int, scannedTo: Int) -> (Int, Int)? {
        var index = max(start, scannedTo)
        while index < bytes.count {
            if bytes[index] == 10 {
                if index + 1 < bytes.count, bytes[index + 1] == 10 { return (index, index + 2) }
                if index + 2 < bytes.count, bytes[index + 1] == 13, bytes[index + 2] == 10 { return (index, index + 3) }
            }
            index += 1
        }
        return nil
    }

    private func compact() {
        if start > 1 << 16 || start == buffer.count {
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }

    /// Reads more input; `false` at the end.
    private func fill() -> Bool {
        if atEnd { return false }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
                return true
            }
            if count < 0 && errno == EINTR { continue }
            atEnd = true
            return false
        }
    }
}

/// Writes messages with their `Content-Length` header, whole, one at a time.
final class FrameWriter: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = NSLock()

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Writes one message; `false` when the output is closed.
    @discardableResult
    func write(_ body: Data) -> Bool {
        var frame = Array("Content-Length: \(body.count)\r\n\r\n".utf8)
        frame.append(contentsOf: body)
        lock.lock()
        defer { lock.unlock() }
        var offset = 0
        while offset < frame.count {
            let count = frame[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }
}

/// Frames read on their own thread, taken in order by the server's loop: the loop can tell whether
/// more is waiting (and so publish diagnostics only once a burst of changes is read).
final class FrameQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var frames: [Frame] = []

    /// Starts reading `reader` on a thread of its own.
    func start(_ reader: FrameReader) {
        let box = UncheckedBox(reader)
        let thread = Thread { [self] in
            while true {
                let frame = box.value.next()
                push(frame)
                if case .end = frame { return }
            }
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    func push(_ frame: Frame) {
        condition.lock()
        frames.append(frame)
        condition.signal()
        condition.unlock()
    }

    /// The next frame, waiting for one.
    func pop() -> Frame {
        condition.lock()
        defer { condition.unlock() }
        while frames.isEmpty { condition.wait() }
        return frames.removeFirst()
    }

    /// The next frame if one waits, else `nil`, waiting at most `seconds`.
    func pop(waiting seconds: Double) -> Frame? {
        condition.lock()
        defer { condition.unlock() }
        if frames.isEmpty { _ = condition.wait(until: Date(timeIntervalSinceNow: seconds)) }
        return frames.isEmpty ? nil : frames.removeFirst()
    }

    /// Nothing is waiting.
    var isEmpty: Bool {
        condition.lock()
        defer { condition.unlock() }
        return frames.isEmpty
    }
}

/// Hands a non-Sendable value to the one thread that uses it.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
