import Foundation
import Git
import LoreKit
import MCP

/// `lore mcp`: an MCP server over standard input and output for the repository it is started
/// in. Tools, resources and prompts are listed in docs/agents.md.
public struct LoreMCPServer: Sendable {
    /// The top of the working tree served.
    public let root: String
    /// Offer `create_entry` (`--allow-write`).
    public let allowWrite: Bool
    /// How often the working tree is looked at for change notifications (seconds; 0: never).
    public let pollInterval: Double

    /// A server for the repository containing `path`; fails as `lore` does when there is none
    /// (or it is bare: the server reads the working tree).
    public init(discoveringFrom path: String, allowWrite: Bool, pollInterval: Double = 2) throws(LoreError) {
        let memory = try MemoryRepository(discoveringFrom: path)
        guard let top = memory.repository.workingDirectory else {
            throw .repository(GitError(.bareRepository, "lore mcp reads the working tree, and this repository is bare",
                                       context: "opening \(path)"))
        }
        _ = try memory.configuration(in: memory.snapshot(.workingTree))
        self.root = top
        self.allowWrite = allowWrite
        self.pollInterval = pollInterval
    }

    static let instructions = """
        Lore is this repository's organizational memory: postmortems, lessons and decisions kept as Markdown in git. \
        Before changing code, call recall with the paths you will touch and read what it returns; before relying on a decision, \
        call superseded. Use search or similar to find past incidents, get_entry to read one, action_items for open follow-ups, \
        and check_draft to validate a new entry before proposing it.
        """

    /// Serves until standard input ends.
    public func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let service = MemoryService(root: root, allowWrite: allowWrite)
        let definitions = ToolCatalog.definitions(allowWrite: allowWrite)
        let byName = Dictionary(uniqueKeysWithValues: definitions.map { ($0.tool.name, $0) })
        let server = Server(name: "lore", version: LoreVersion.current, title: "Lore: organizational memory",
                            instructions: Self.instructions,
                            capabilities: .init(prompts: .init(listChanged: false), resources: .init(subscribe: true, listChanged: true),
                                                tools: .init(listChanged: false)))
        let watcher = ChangeWatcher(service: service)

        await server.withMethodHandler(ListTools.self) { params in
            let offset = try Self.listOffset(params.cursor, scope: "tools/list")
            return .init(tools: Array(definitions.dropFirst(offset).map(\.tool)))
        }
        await server.withMethodHandler(CallTool.self) { params in
            guard let definition = byName[params.name] else {
                if params.name == "create_entry" {
                    throw MCPError.invalidParams("Unknown tool: create_entry (lore mcp is read-only; start it with --allow-write to create entries)")
                }
                throw MCPError.invalidParams("Unknown tool: \(params.name.prefix(200)) (Lore has \(definitions.map(\.tool.name).joined(separator: ", ")))")
            }
            do {
                let output = try await service.run { memory in
                    try definition.call(memory, try Arguments(tool: definition.tool.name, params.arguments, allowed: definition.arguments))
                }
                return .init(content: [.text(text: capped(output.text), annotations: nil, _meta: nil)], structuredContent: Optional<Value>.some(Value(json: output.structured)),
                             isError: false)
            } catch let failure as ToolFailure {
                return .init(content: [.text(text: "error: \(failure.message)", annotations: nil, _meta: nil)], isError: true)
            }
        }
        await server.withMethodHandler(ListResources.self) { params in
            let offset = try Self.listOffset(params.cursor, scope: "resources/list")
            let listing = try await service.run { try Resources.list($0, offset: offset) }
            return .init(resources: listing.resources, nextCursor: listing.next)
        }
        await server.withMethodHandler(ListResourceTemplates.self) { _ in
            .init(templates: [
                Resource.Template(uriTemplate: "lore://entry/{id}", name: "entry", title: "An entry by id (or path), as Markdown",
                                  mimeType: "text/markdown"),
                Resource.Template(uriTemplate: "lore://index?page={page}", name: "index-page", title: "A further page of the index",
                                  mimeType: "application/json"),
            ])
        }
        await server.withMethodHandler(ReadResource.self) { params in
            let uri = params.uri
            let content = try await service.run { try Resources.read($0, uri: uri) }
            return .init(contents: [content])
        }
        await server.withMethodHandler(ResourceSubscribe.self) { params in
            await watcher.subscribe(params.uri)
            return .init()
        }
        await server.withMethodHandler(ResourceUnsubscribe.self) { params in
            await watcher.unsubscribe(params.uri)
            return .init()
        }
        await server.withMethodHandler(ListPrompts.self) { params in
            let offset = try Self.listOffset(params.cursor, scope: "prompts/list")
            return .init(prompts: Array(Prompts.all.dropFirst(offset)))
        }
        await server.withMethodHandler(GetPrompt.self) { params in
            let arguments = params.arguments ?? [:]
            let name = params.name
            return try await service.run { try Prompts.get($0, name: name, arguments: arguments) }
        }

        let transport = LineTransport()
        try await server.start(transport: transport)
        let poller = pollInterval > 0 ? Task { await watcher.watch(server: server, every: pollInterval) } : nil
        await server.waitUntilCompleted()
        poller?.cancel()
        // Standard input ended: answer what is still being worked on, then stop.
        await service.drain()
        try? await Task.sleep(for: .milliseconds(50))
        await server.stop()
    }

    /// The offset of a `tools/list`, `resources/list` or `prompts/list` cursor (a JSON-RPC error when
    /// the cursor is not one this server gave).
    static func listOffset(_ cursor: String?, scope: String) throws -> Int {
        guard let cursor else { return 0 }
        guard let offset = Cursor.decode(cursor, scope: scope) else { throw MCPError.invalidParams("Invalid cursor for \(scope)") }
        return offset
    }
}

/// Notices changes to the memory in the working tree and tells the client: the resource list
/// changed (an entry added, removed or edited), and each subscribed resource that changed.
/// It compares the size, modification time and inode of the kinds' entry files and the
/// configuration, polled every few seconds.
actor ChangeWatcher {
    private let service: MemoryService
    private var subscriptions: Set<String> = []
    private var lastStamps: [String: String]?

    init(service: MemoryService) { self.service = service }

    func subscribe(_ uri: String) { if subscriptions.count < 10_000 { subscriptions.insert(uri) } }

    func unsubscribe(_ uri: String) { subscriptions.remove(uri) }

    func watch(server: Server, every seconds: Double) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            guard let stamps = try? await service.run({ memory in try Self.stamps(memory) }) else { continue }
            defer { lastStamps = stamps }
            guard let last = lastStamps, last != stamps else { continue }
            try? await server.notify(ResourceListChangedNotification.message())
            guard !subscriptions.isEmpty else { continue }
            let changedPaths = Set(stamps.keys.filter { stamps[$0] != last[$0] } + last.keys.filter { stamps[$0] == nil })
            let uris = subscriptions
            // Which subscribed URIs name a changed entry (or the index, which changes with any).
            let touched = (try? await service.run { memory -> [String] in
                let corpus = try memory.corpus(.workingTree)
                var byPath: [String: [String]] = [:]
                for entry in corpus.entries {
                    byPath[entry.path.description, default: []].append(Resources.entryURI(entry.id ?? entry.path.description))
                    if entry.id != nil { byPath[entry.path.description]!.append(Resources.entryURI(entry.path.description)) }
                }
                var out = Array(uris.filter { $0.hasPrefix(Resources.indexURI) })
                for path in changedPaths { out += (byPath[path] ?? []).filter(uris.contains) }
                // A removed entry: its URI no longer resolves; tell its subscribers too.
                let known = Set(byPath.values.joined())
                out += uris.filter { $0.hasPrefix(Resources.entryPrefix) && !known.contains($0) }
                return Array(Set(out)).sorted()
            }) ?? []
            for uri in touched {
                try? await server.notify(ResourceUpdatedNotification.message(.init(uri: uri)))
            }
        }
    }

    /// Size, modification time and inode of each file under the kinds' folders and of the
    /// configuration, by repository path.
    private static func stamps(_ memory: MemoryRepository) throws -> [String: String] {
        guard let top = memory.repository.workingDirectory else { return [:] }
        let configuration = try memory.configuration(in: memory.snapshot(.workingTree))
        var out: [String: String] = [:]
        func stamp(_ relative: String) {
            var info = stat()
            guard lstat(top + "/" + relative, &info) == 0 else { return }
            out[relative] = "\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec):\(info.st_ino)"
        }
        stamp(".lore/config.yml")
        for kind in configuration.kinds {
            guard let walker = FileManager.default.enumerator(atPath: top + "/" + kind.dir) else { continue }
            var count = 0
            while let name = walker.nextObject() as? String {
                count += 1
                if count > 500_000 { break }
                if name.hasSuffix(".md") { stamp(kind.dir + "/" + name) }
            }
        }
        return out
    }
}
