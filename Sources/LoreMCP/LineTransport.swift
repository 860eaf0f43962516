import Foundation
import Logging
import MCP

/// MCP's stdio transport: one JSON-RPC message per line on standard input and output.
///
/// Written for Lore rather than taken from the SDK's `StdioTransport` for three reasons: a line
/// longer than `maxLine` is dropped (answered with a JSON-RPC error, id null) instead of growing
/// the buffer without bound; the buffer is searched for a newline only in the bytes just read
/// (the SDK's rescans the whole pending buffer on every read, quadratic on a huge line); and the
/// descriptors stay blocking (reading on a thread of its own), so the terminal or pipe shared with
/// the parent is not switched to non-blocking mode under it.
actor LineTransport: Transport {
    nonisolated let logger = Logger(label: "lore.mcp.stdio", factory: { _ in SwiftLogNoOpLogHandler() })

    private let input: Int32
    private let output: Int32
    private let maxLine: Int
    private let stream: AsyncThrowingStream<Data, Swift.Error>
    private let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation
    private var connected = false

    init(input: Int32 = 0, output: Int32 = 1, maxLine: Int = 16 << 20) {
        self.input = input
        self.output = output
        self.maxLine = maxLine
        (stream, continuation) = AsyncThrowingStream.makeStream()
    }

    func connect() async throws {
        guard !connected else { return }
        connected = true
        let input = input, maxLine = maxLine, continuation = continuation
        let transport = self
        let thread = Thread {
            Self.readLoop(input: input, maxLine: maxLine, continuation: continuation) { message in
                Task { try? await transport.send(Data(message.utf8)) }
            }
        }
        thread.name = "lore-mcp-stdin"
        thread.start()
    }

    func disconnect() async {
        guard connected else { return }
        connected = false
        continuation.finish()
    }

    func send(_ data: Data) async throws {
        var bytes = [UInt8](data)
        bytes.append(10)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Foundation.write(output, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw MCPError.connectionClosed
            }
            written += count
        }
    }

    func receive() -> AsyncThrowingStream<Data, Swift.Error> { stream }

    /// Reads lines until end of input; each complete line that is not blank is yielded. A line
    /// over `maxLine` bytes is skipped up to its newline and `reject` is called with the error
    /// message to send.
    private static func readLoop(input: Int32, maxLine: Int, continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation,
                                 reject: @escaping @Sendable (String) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var line: [UInt8] = []
        var skipping = false
        while true {
            let count = buffer.withUnsafeMutableBytes { Foundation.read(input, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                break
            }
            if count == 0 { break }
            var start = 0
            while start < count {
                let newline = buffer[start..<count].firstIndex(of: 10)
                let end = newline ?? count
                if !skipping {
                    if line.count + (end - start) > maxLine {
                        skipping = true
                        line.removeAll(keepingCapacity: false)
                    } else {
                        line.append(contentsOf: buffer[start..<end])
                    }
                }
                guard newline != nil else { break }
                if skipping {
                    skipping = false
                    reject(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"message dropped: longer than the \#(maxLine)-byte limit of lore mcp"}}"#)
                } else if line.contains(where: { $0 != 32 && $0 != 9 && $0 != 13 }) {
                    continuation.yield(Data(line))
                }
                line.removeAll(keepingCapacity: true)
                start = end + 1
            }
        }
        continuation.finish()
    }
}
