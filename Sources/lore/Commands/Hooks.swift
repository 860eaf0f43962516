import ArgumentParser
import Foundation
import LoreKit

struct Hooks: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hooks",
        abstract: "Install, remove or show Lore's git hooks (pre-commit, commit-msg, pre-push).",
        discussion: """
        Hooks go where git runs them: core.hooksPath when set, else the hooks folder shared by all
        worktrees. A hook that is not Lore's is never overwritten: it is kept and run first (or, with
        --force, kept but not run), and `uninstall` puts it back exactly as it was.

        pre-commit and commit-msg check what is committed and are what `install` installs by
        default (--hook all). pre-push is optional (--hook pre-push): it prints `lore recall` for
        the commits being pushed and never blocks the push.
        """,
        subcommands: [Install.self, Uninstall.self, Status.self])

    enum Which: String, ExpressibleByArgument, CaseIterable {
        case preCommit = "pre-commit", commitMsg = "commit-msg", prePush = "pre-push", all
        /// The hooks named: for `all`, the checking hooks on install and every hook on uninstall.
        func names(installing: Bool) -> [String] {
            self == .all ? (installing ? BuiltInHooks.defaultNames : BuiltInHooks.names) : [rawValue]
        }
    }

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "install", abstract: "Install Lore's hooks.")
        @Option(name: [.customShort("C"), .customLong("repo")], help: "Run as if started in this folder.") var repo: String?
        @Option(help: "Which hook (all: pre-commit and commit-msg).") var hook: Which = .all
        @Flag(help: "Set an existing foreign hook aside instead of running it first.") var force = false

        func run() throws {
            let memory = try openRepository(repo)
            do {
                Console.out(try HookInstaller.install(hook.names(installing: true), in: memory.repository, force: force).map { $0 + "\n" }.joined())
            } catch {
                throw Failure(code: 3, message: "error: \(error)")
            }
        }
    }

    struct Uninstall: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "uninstall", abstract: "Remove Lore's hooks and restore what was there.")
        @Option(name: [.customShort("C"), .customLong("repo")], help: "Run as if started in this folder.") var repo: String?
        @Option(help: "Which hook.") var hook: Which = .all

        func run() throws {
            let memory = try openRepository(repo)
            do {
                Console.out(try HookInstaller.uninstall(hook.names(installing: false), in: memory.repository, quietlySkipping: hook == .all ? ["pre-push"] : []).map { $0 + "\n" }.joined())
            } catch {
                throw Failure(code: 3, message: "error: \(error)")
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Say which hooks are installed where.")
        @Option(name: [.customShort("C"), .customLong("repo")], help: "Run as if started in this folder.") var repo: String?

        func run() throws {
            let memory = try openRepository(repo)
            let statuses: [HookInstaller.Status]
            do {
                statuses = try HookInstaller.status(in: memory.repository)
            } catch {
                throw Failure(code: 3, message: "error: \(error)")
            }
            for status in statuses {
                switch status.state {
                case .absent: Console.out("\(status.name): not installed (\(status.path))\n")
                case .foreign: Console.out("\(status.name): another hook, not Lore's (\(status.path))\n")
                case .lore(let previous):
                    Console.out("\(status.name): Lore's (\(status.path))" + (previous.map { "; previous hook kept as \($0)" } ?? "") + "\n")
                }
            }
        }
    }
}

/// Opens the repository containing `path` (or the current folder) for a command.
func openRepository(_ path: String?) throws -> MemoryRepository {
    do {
        return try MemoryRepository(discoveringFrom: path ?? FileManager.default.currentDirectoryPath)
    } catch {
        throw Failure(error)
    }
}
