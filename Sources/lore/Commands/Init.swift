import ArgumentParser
import Foundation
import LoreKit

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a commented .lore/config.yml (never overwrites).",
        discussion: "Creates .lore/config.yml at the top of the working tree with the built-in kinds spelled out.")

    @Option(name: [.customShort("C"), .customLong("repo")], help: "Run as if started in this folder.")
    var repo: String?

    func run() throws {
        let memory = try openRepository(repo)
        guard let root = memory.repository.workingDirectory else {
            throw Failure(code: 3, message: "error: a bare repository has no working tree to write .lore/config.yml in")
        }
        let path = root + Configuration.path.description
        do {
            try NewFile.create(at: path, bytes: Array(Configuration.initialFileText.utf8))
        } catch .exists {
            throw Failure(code: 1, message: "error: \(Configuration.path) already exists; left unchanged")
        } catch {
            throw Failure(code: 3, message: "error: \(error)")
        }
        let kinds = Configuration.builtIn.kinds.map { "\($0.name) (\($0.dir)/, \($0.prefix)-)" }.joined(separator: ", ")
        Console.out("created \(Configuration.path) with kinds \(kinds)\n")
    }
}
