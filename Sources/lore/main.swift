import ArgumentParser
import Foundation

// ArgumentParser's own exit codes (64 for usage errors) are replaced by Lore's documented ones.
// Its parsing takes time quadratic in the number of arguments (5,000 took 10 s): bound them first.
let maxArguments = 1_000
if CommandLine.arguments.count - 1 > maxArguments {
    Console.err("error: \(CommandLine.arguments.count - 1) arguments; lore takes at most \(maxArguments) (check fewer paths at once, or use --changed-since)\n")
    exit(2)
}
// `lore -C DIR command …` runs as if started in DIR, as git does: each leading -C (or --repo)
// changes folder, a relative one from the previous; later relative paths are relative to it.
var arguments = Array(CommandLine.arguments.dropFirst())
while let first = arguments.first, first == "-C" || first == "--repo" || (first.hasPrefix("-C") && first.count > 2) {
    let folder: String
    if first == "-C" || first == "--repo" {
        guard arguments.count > 1 else {
            Console.err("error: \(first) needs a folder: lore -C DIR COMMAND\n")
            exit(2)
        }
        folder = arguments[1]
        arguments.removeFirst(2)
    } else {
        folder = String(first.dropFirst(2))
        arguments.removeFirst()
    }
    if !folder.isEmpty && chdir(folder) != 0 {
        Console.err("error: cannot change to '\(folder)': \(String(cString: strerror(errno)))\n")
        exit(2)
    }
}
do {
    var command = try Lore.parseAsRoot(arguments)
    try command.run()
    exit(0)
} catch let failure as Failure {
    Console.err(failure.message + "\n")
    exit(failure.code)
} catch let code as ExitCode {
    exit(code.rawValue)
} catch {
    if Lore.exitCode(for: error) == .success {
        Console.out(Lore.fullMessage(for: error) + "\n")
        exit(0)
    }
    Console.err(Lore.fullMessage(for: error) + "\n")
    exit(2)
}
