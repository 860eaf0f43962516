import Foundation
import Git
import LoreKit

/// `lore lsp`: a Language Server Protocol 3.17 server over standard input and output for the
/// repository of the opened folder.
public enum LanguageServer {
    /// Serves until the client sends `exit` or closes the input. Returns the exit code: 0 after
    /// `shutdown` then `exit`, 1 when the client left without `shutdown` (as the protocol says).
    /// `directory` is used when the client names no folder; `log` receives problems (standard error).
    public static func run(directory: String, input: Int32 = 0, output: Int32 = 1,
                           log: @escaping (String) -> Void = { _ in }) -> Int32 {
        let server = Server(connection: Connection(writer: FrameWriter(descriptor: output)), directory: directory, log: log)
        let queue = FrameQueue()
        queue.start(FrameReader(descriptor: input))
        while true {
            let frame = queue.pop()
            switch frame {
            case .end:
                return server.isShutDown ? 0 : 1
            case .malformed(let reason):
                log("malformed message: \(reason)")
                server.connection.respond(id: NSNull(), error: ResponseError(code: ResponseError.invalidRequest, message: reason))
            case .message(let data):
                if let code = server.handle(data) { return code }
            }
            // Diagnostics once a burst of changes has been read, not after each keystroke.
            if queue.isEmpty { server.publishDiagnostics() }
        }
    }
}

/// The server's state and its answers to each method.
final class Server {
    let connection: Connection
    private let directory: String
    private let log: (String) -> Void
    private enum State { case uninitialized, running, shutDown }
    private var state = State.uninitialized
    var isShutDown: Bool { state == .shutDown }
    private(set) var workspace: Workspace?
    var encoding = PositionEncoding.utf16
    private var watchesFiles = false

    init(connection: Connection, directory: String, log: @escaping (String) -> Void) {
        self.connection = connection
        self.directory = directory
        self.log = log
    }

    /// Handles one message; returns an exit code when the server must stop.
    func handle(_ data: Data) -> Int32? {
        guard let parsed = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            connection.respond(id: NSNull(), error: ResponseError(code: ResponseError.parseError, message: "message is not valid JSON"))
            return nil
        }
        guard let message = parsed as? JSONObject else {
            connection.respond(id: NSNull(), error: ResponseError(code: ResponseError.invalidRequest, message: "a message must be a JSON object"))
            return nil
        }
        let id = message["id"]
        if let id, !(id is String || id is NSNumber || id is NSNull) {
            connection.respond(id: NSNull(), error: ResponseError(code: ResponseError.invalidRequest, message: "invalid id"))
            return nil
        }
        guard let method = message["method"] as? String else {
            if id != nil, message["result"] != nil || message["error"] != nil { return nil }   // an answer to our request
            connection.respond(id: id ?? NSNull(), error: ResponseError(code: ResponseError.invalidRequest, message: "a message must have a method"))
            return nil
        }
        let params = message["params"] as? JSONObject ?? [:]
        guard let id else {
            return notification(method, params)
        }
        do throws(ResponseError) {
            let result = try request(method, params)
            connection.respond(id: id, result: result)
        } catch {
            connection.respond(id: id, error: error)
        }
        return nil
    }

    private func notification(_ method: String, _ params: JSONObject) -> Int32? {
        if method == "exit" { return state == .shutDown ? 0 : 1 }
        guard state == .running else { return nil }
        let workspace = self.workspace
        switch method {
        case "initialized":
            registerWatchers()
        case "textDocument/didOpen":
            guard let item = params.object("textDocument"), let uri = item.string("uri"), let text = item.string("text") else { return nil }
            workspace?.open(uri: uri, version: item.int("version") ?? 0, text: text)
        case "textDocument/didChange":
            guard let document = params.object("textDocument"), let uri = document.string("uri"),
                  let changes = params["contentChanges"] as? [JSONObject] else { return nil }
            guard var text = workspace?.document(uri)?.text else { return nil }
            for change in changes {
                guard let newText = change.string("text") else { continue }
                if let range = LSPRange(change["range"]), let lines = Optional(TextLines(text)) {
                    // Incremental change (a client may send them even when asked for whole texts).
                    let start = lines.offset(range.start, encoding), end = max(lines.offset(range.end, encoding), start)
                    var bytes = lines.bytes
                    bytes.replaceSubrange(start..<end, with: Array(newText.utf8))
                    text = String(decoding: bytes, as: UTF8.self)
                } else {
                    text = newText
                }
            }
            workspace?.change(uri: uri, version: document.int("version") ?? 0, text: text)
        case "textDocument/didClose":
            guard let uri = params.object("textDocument")?.string("uri") else { return nil }
            workspace?.close(uri: uri)
        case "textDocument/didSave":
            break
        case "workspace/didChangeWatchedFiles":
            workspace?.diskChanged()
        default:
            break   // unknown notifications are ignored, as the protocol says ($/cancelRequest, $/setTrace …)
        }
        return nil
    }

    private func request(_ method: String, _ params: JSONObject) throws(ResponseError) -> Any? {
        switch state {
        case .uninitialized:
            guard method == "initialize" else {
                throw ResponseError(code: ResponseError.serverNotInitialized, message: "the server is not initialized")
            }
            return initialize(params)
        case .shutDown:
            throw ResponseError(code: ResponseError.invalidRequest, message: "the server is shut down")
        case .running:
            break
        }
        switch method {
        case "initialize":
            throw ResponseError(code: ResponseError.invalidRequest, message: "initialize was already called")
        case "shutdown":
            state = .shutDown
            return nil
        default:
            break
        }
        guard Self.requestMethods.contains(method) else {
            throw ResponseError(code: ResponseError.methodNotFound, message: "unknown method \(method)")
        }
        guard let workspace else {
            if method == "completionItem/resolve" { return params }
            return ["textDocument/hover", "textDocument/definition", "textDocument/prepareRename", "textDocument/rename"].contains(method)
                ? nil : [JSONObject]()
        }
        workspace.checkDisk()
        do {
            try workspace.refreshIfStale()
        } catch {
            connection.notify("window/showMessage", ["type": 1, "message": "lore lsp: \(error)"])
            throw ResponseError.failed("\(error)")
        }
        let features = Features(workspace: workspace, encoding: encoding)
        switch method {
        case "textDocument/completion": return try features.completion(params)
        case "completionItem/resolve": return try features.resolveCompletion(params)
        case "textDocument/hover": return try features.hover(params)
        case "textDocument/definition": return try features.definition(params)
        case "textDocument/references": return try features.references(params)
        case "textDocument/documentSymbol": return try features.documentSymbols(params)
        case "workspace/symbol": return try features.workspaceSymbols(params)
        case "textDocument/prepareRename": return try features.prepareRename(params)
        case "textDocument/rename": return try features.rename(params)
        case "textDocument/codeAction": return try features.codeActions(params)
        default: throw ResponseError(code: ResponseError.methodNotFound, message: "unknown method \(method)")
        }
    }

    private static let requestMethods: Set<String> = [
        "textDocument/completion", "completionItem/resolve", "textDocument/hover", "textDocument/definition", "textDocument/references",
        "textDocument/documentSymbol", "workspace/symbol", "textDocument/prepareRename", "textDocument/rename",
        "textDocument/codeAction",
    ]

    private func initialize(_ params: JSONObject) -> Any? {
        var folder = directory
        if let folders = params["workspaceFolders"] as? [JSONObject], let uri = folders.first?.string("uri"), let path = FileURI.path(uri) {
            folder = path
        } else if let uri = params.string("rootUri"), let path = FileURI.path(uri) {
            folder = path
        } else if let path = params.string("rootPath") {
            folder = path
        }
        let offered = (params.object("capabilities")?.object("general")?["positionEncodings"] as? [String]) ?? []
        encoding = offered.compactMap(PositionEncoding.init(rawValue:)).first ?? .utf16
        if !offered.isEmpty && !offered.contains(encoding.rawValue) { encoding = .utf16 }
        watchesFiles = params.object("capabilities")?.object("workspace")?.object("didChangeWatchedFiles")?.bool("dynamicRegistration") ?? false
        do {
            let workspace = try Workspace(directory: folder)
            if let today = params.object("initializationOptions")?.string("today") { workspace.today = today }
            if let now = params.object("initializationOptions")?.int("now") { workspace.now = now }
            self.workspace = workspace
        } catch {
            log("\(error)")
            connection.notify("window/showMessage", ["type": 1, "message": "lore lsp: \(error)"])
        }
        state = .running
        return [
            "capabilities": [
                "positionEncoding": encoding.rawValue,
                "textDocumentSync": ["openClose": true, "change": 1, "save": ["includeText": false]] as JSONObject,
                "completionProvider": ["triggerCharacters": ["[", ":", " ", ",", "#", "-"], "resolveProvider": true] as JSONObject,
                "hoverProvider": true,
                "definitionProvider": true,
                "referencesProvider": true,
                "documentSymbolProvider": true,
                "workspaceSymbolProvider": true,
                "renameProvider": ["prepareProvider": true],
                "codeActionProvider": ["codeActionKinds": ["quickfix"]],
            ] as JSONObject,
            "serverInfo": ["name": "lore", "version": LoreVersion.current],
        ] as JSONObject
    }

    /// Asks a client that can be asked to tell the server when entry files and the configuration change on disk.
    private func registerWatchers() {
        guard watchesFiles, let workspace else { return }
        let globs = workspace.configuration.kinds.map { "**/\($0.dir)/**/*.md" } + ["**/.lore/**", "**/.git/HEAD", "**/.git/index"]
        connection.request("client/registerCapability", ["registrations": [[
            "id": "lore-watched-files", "method": "workspace/didChangeWatchedFiles",
            "registerOptions": ["watchers": globs.map { ["globPattern": $0] }],
        ] as JSONObject]])
    }

    /// Publishes the diagnostics of every file whose findings changed.
    func publishDiagnostics() {
        guard state == .running, let workspace, workspace.diagnosticsPending else { return }
        do {
            try workspace.refreshIfStale()
        } catch {
            log("\(error)")
            return
        }
        for (path, diagnostics) in workspace.diagnosticsToPublish() {
            let document = workspace.documents.values.first { $0.path == path }
            let lines = document?.lines ?? workspace.lines(of: path) ?? TextLines("")
            var params: JSONObject = [
                "uri": document?.uri ?? workspace.uri(of: path),
                "diagnostics": diagnostics.map { diagnostic -> JSONObject in
                    ["range": lines.wordRange(at: diagnostic.position, encoding).json,
                     "severity": diagnostic.severity == .error ? 1 : 2,
                     "code": diagnostic.code, "source": "lore", "message": diagnostic.oneLineMessage]
                },
            ]
            if let document { params["version"] = document.version }
            connection.notify("textDocument/publishDiagnostics", params)
        }
    }
}
