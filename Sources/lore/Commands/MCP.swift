import ArgumentParser
import Foundation
import LoreKit
import LoreMCP

struct MCP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the memory to coding agents over the Model Context Protocol (stdio).",
        discussion: """
        Speaks MCP (JSON-RPC, one message per line) on standard input and
        output until input ends; an agent client starts it as a subprocess
        (setup for Claude Code, Claude Desktop, Cursor and VS Code in
        docs/agents.md). It reads the working tree of the repository it is
        started in, as it is at each call.

        Tools: recall (what matters for the paths a change touches, as
        `lore recall --format json`), search, similar (entries like a given
        text), get_entry, list_entries (--where filters, sort),
        action_items, check_draft (the findings `lore check` would give for
        a proposed entry, nothing written), superseded (a decision's
        successor chain). Resources: lore://entry/ID (Markdown) and
        lore://index, with change notifications. Prompts: write-postmortem
        and review-change.

        org: true on search, similar, recall, list_entries, get_entry and
        action_items reads this repository and every synced source
        (`lore sources sync`) as one memory, as --org does: other
        repositories' ids qualified (payments:PM-0001), sources that cannot
        be read named in `notes`.

        Read-only unless --allow-write, which adds create_entry: a new file
        from the kind's template with the next id, as `lore new`, inside the
        kind's folder, never over an existing file. Every result is bounded
        (pages with a cursor, size limits); errors are MCP errors or tool
        results marked isError, never a crash. Nothing is printed on
        standard error while serving; LORE_MCP_POLL_SECONDS sets how often
        the working tree is looked at for changes (default 2, 0: never).
        """)

    @Option(name: [.customShort("C"), .customLong("repo")], help: "Serve the repository containing this folder.")
    var repo: String?

    @Flag(name: .customLong("allow-write"), help: "Offer create_entry, which creates entry files as `lore new` does.")
    var allowWrite = false

    func run() throws {
        let poll = ProcessInfo.processInfo.environment["LORE_MCP_POLL_SECONDS"].flatMap(Double.init) ?? 2
        let server: LoreMCPServer
        do {
            server = try LoreMCPServer(discoveringFrom: repo ?? FileManager.default.currentDirectoryPath, allowWrite: allowWrite,
                                       pollInterval: max(0, min(poll, 3600)))
        } catch {
            throw Failure(error)
        }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do { try await server.run() } catch { outcome.set("error: lore mcp stopped: \(error)") }
            done.signal()
        }
        done.wait()
        if let message = outcome.message { throw Failure(code: 3, message: message) }
    }
}

/// The error a detached task ended with, read after it signalled.
private final class Outcome: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: String?
    func set(_ message: String) { lock.withLock { stored = message } }
    var message: String? { lock.withLock { stored } }
}
