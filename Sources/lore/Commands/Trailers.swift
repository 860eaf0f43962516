import ArgumentParser
import Foundation
import LoreKit

struct Trailers: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trailers",
        abstract: "Check that every `Lore: ID` trailer of a commit message names an existing entry.",
        discussion: "Used by the commit-msg hook with --staged: the ids must exist in what is being committed.")

    @OptionGroup var snapshot: SnapshotOptions

    @Argument(help: "The commit message file (git passes .git/COMMIT_EDITMSG to commit-msg hooks).")
    var file: String

    func run() throws {
        // -C means "as if started there": a relative FILE is relative to that folder too.
        let path = snapshot.repo.map { !file.hasPrefix("/") ? $0 + "/" + file : file } ?? file
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure.usage("cannot read the message file \(file)")
        }
        let corpus = try snapshot.corpus()
        let findings = LoreTrailers.check(String(decoding: data, as: UTF8.self), path: GitPath(file), against: corpus)
        if Console.report(findings) { throw ExitCode(1) }
    }
}
