import ArgumentParser
import Foundation

// ArgumentParser's own exit codes (64 for usage errors) are replaced by Lore's documented ones.
do {
    var command = try Lore.parseAsRoot()
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
