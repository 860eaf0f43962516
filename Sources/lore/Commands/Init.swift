import ArgumentParser
import Foundation
import LoreKit

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented .lore/config.yml (never overwrites).",
        discussion: """
        Creates .lore/config.yml at the top of the working tree with the built-in
        kinds spelled out, plus a `retrospective` kind with dated ids.

        In a repository that already holds records (adr-tools' .adr-dir,
        log4brains' .log4brains.yml, doc/adr, docs/decisions, postmortem,
        incident, retrospective and RFC folders, Hugo/Zola content), it writes a
        configuration that reads them in place instead, and a template per kind
        with the sections most records share; it prints, per collection, the
        entries found and the fields it could not derive. No entry file is
        changed. With --dry-run, it prints the configuration and writes nothing.
        With --templates, also copies the built-in templates to
        .lore/templates/KIND.md, where the repository can change them (files
        already there are kept); an existing configuration is then kept too.
        """)

    @Option(name: [.customShort("C"), .customLong("repo")], help: "Run as if started in this folder.")
    var repo: String?

    @Flag(help: "Also copy the built-in templates to .lore/templates/.")
    var templates = false

    @Flag(name: .customLong("dry-run"), help: "Print the configuration that would be written; write nothing.")
    var dryRun = false

    func run() throws {
        let memory = try openRepository(repo)
        guard let root = memory.repository.workingDirectory else {
            throw Failure(code: 3, message: "error: a bare repository has no working tree to write .lore/config.yml in")
        }
        let path = root + Configuration.path.description
        var createdAny = false
        if !templates, let plan = try Adoption.plan(memory, snapshot: memory.snapshot(.workingTree)) {
            try adopt(plan, root: root, path: path)
            return
        }
        if dryRun {
            Console.out(Configuration.initialFileText)
            return
        }
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

    /// Writes the configuration reading the records in place, and reports what it read.
    private func adopt(_ plan: Adoption.Plan, root: String, path: String) throws {
        if dryRun {
            Console.out(plan.configurationText)
        } else {
            do {
                try NewFile.create(at: path, bytes: Array(plan.configurationText.utf8))
                Console.out("created \(Configuration.path), reading the records already here (no entry file changed)\n")
            } catch .exists {
                throw Failure(code: 1, message: "error: \(Configuration.path) already exists; left unchanged")
            } catch {
                throw Failure(code: 3, message: "error: \(error)")
            }
            for template in plan.templates {
                do {
                    try NewFile.create(at: root + template.path, bytes: Array(template.text.utf8))
                    Console.out("created \(template.path)\n")
                } catch .exists {
                    Console.out("kept \(template.path) (already there)\n")
                } catch {
                    throw Failure(code: 3, message: "error: \(error)")
                }
            }
        }
        let report: (String) -> Void = dryRun ? { Console.err($0) } : { Console.out($0) }
        for collection in plan.collections {
            report("\(collection.dir)/: \(collection.entryCount) \(collection.kind) entr\(collection.entryCount == 1 ? "y" : "ies") (\(collection.format))\n")
            for (field, paths) in collection.missing {
                let shown = paths.prefix(3).map(\.description).joined(separator: ", ")
                report("  could not derive '\(field)' for \(paths.count): \(shown)\(paths.count > 3 ? ", …" : "")\n")
            }
        }
    }
}
