import Foundation

/// A JSON object as `JSONSerialization` reads it.
typealias JSONObject = [String: Any]

/// A JSON-RPC error answer: its code and message.
struct ResponseError: Error {
    let code: Int
    let message: String

    static let parseError = -32700
    static let invalidRequest = -32600
    static let methodNotFound = -32601
    static let invalidParams = -32602
    static let internalError = -32603
    static let serverNotInitialized = -32002
    static let requestFailed = -32803

    static func invalidParams(_ message: String) -> ResponseError { ResponseError(code: invalidParams, message: message) }
    static func failed(_ message: String) -> ResponseError { ResponseError(code: requestFailed, message: message) }
}

/// The server's side of one JSON-RPC connection: answers, notifications and its own requests.
final class Connection {
    private let writer: FrameWriter
    private var nextID = 1
    /// Called with every message written (tests, logging).
    var log: ((String) -> Void)?

    init(writer: FrameWriter) {
        self.writer = writer
    }

    func respond(id: Any, result: Any?) {
        send(["jsonrpc": "2.0", "id": id, "result": result ?? NSNull()])
    }

    func respond(id: Any, error: ResponseError) {
        send(["jsonrpc": "2.0", "id": id, "error": ["code": error.code, "message": error.message] as JSONObject])
    }

    func notify(_ method: String, _ params: Any) {
        send(["jsonrpc": "2.0", "method": method, "params": params])
    }

    /// Sends a request to the client; its answer is not waited for.
    func request(_ method: String, _ params: Any) {
        send(["jsonrpc": "2.0", "id": "lore-\(nextID)", "method": method, "params": params])
        nextID += 1
    }

    private func send(_ message: JSONObject) {
        guard JSONSerialization.isValidJSONObject(message),
              let data = try? JSONSerialization.data(withJSONObject: message, options: [.withoutEscapingSlashes]) else {
            log?("could not encode a message")
            return
        }
        writer.write(data)
    }
}

/// Reading typed values out of JSON parameters.
extension Dictionary where Key == String, Value == Any {
    func string(_ key: String) -> String? { self[key] as? String }
    func object(_ key: String) -> JSONObject? { self[key] as? JSONObject }
    func int(_ key: String) -> Int? {
        (self[key] as? NSNumber)?.intValue
    }
    func bool(_ key: String) -> Bool? { (self[key] as? NSNumber)?.boolValue }
}
