import ArgumentParser
import Foundation
import LoreKit

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a commented .lore/config.yml (never overwrites).",
        discussion: """
        Creates .lore/config.yml at the top of the working tree with the built-in
        kinds spelled out, plus a `retrospective` kind with dated ids.
        With --templates, also copies the built-in templates to
        .lore/templates/KIND.md, where the repository can change them (files
        already there are kept); an existing configuration is then kept too.
        """)

    @Option(name: [.customShort("C"), .customLong("repo")], help: "Run as if started in this folder.")
    var repo: String?

    @Flag(help: "Also copy the built-in templates to .lore/templates/.")
    var templates = false

    func run() throws {
        let memory = try openRepository(repo)
        guard let root = memory.repository.workingDirectory else {
            throw Failure(code: 3, message: "error: a bare repository has no working tree to write .lore/config.yml in")
        }
        let path = root + Configuration.path.description
        var createdAny = false
        do {
            try NewFile.create(at: path, bytes: Array(Configuration.initialFileText.utf8), inside: root)
            let kinds = Configuration.initial.kinds.map { "\($0.name) (\($0.dir)/, \($0.prefix)-)" }.joined(separator: ", ")
            Console.out("created \(Configuration.path) with kinds \(kinds)\n")
            createdAny = true
        } catch .exists {
            guard templates else { throw Failure(code: 1, message: "error: \(Configuration.path) already exists; left unchanged") }
            Console.out("kept \(Configuration.path) (already there)\n")
        } catch {
            throw Failure(code: 3, message: "error: \(error)")
        }
        guard templates else { return }
        do {
            for (path, created) in try TemplateFiles.install(inWorkingTree: root) {
                Console.out(created ? "created \(path)\n" : "kept \(path) (already there)\n")
                createdAny = createdAny || created
            }
        } catch {
            throw Failure(code: 3, message: "error: \(error)")
        }
        if !createdAny { throw ExitCode(1) }
    }
}
