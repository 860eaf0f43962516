import LoreFuzz

// libFuzzer target `configuration` (make fuzz builds it with -sanitize=fuzzer -D LORE_FUZZ); in a normal
// build, a replayer: `fuzz-configuration FILE_OR_FOLDER…` runs each input once.
#if LORE_FUZZ
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTargets.configuration(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

// SwiftPM links an executable's `main` to `MODULE_main`: hand the process to libFuzzer's driver.
@_cdecl("fuzz_configuration_main")
public func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzOne)
}
#else
@main struct Replay {
    static func main() {
        print("ran \(FuzzTargets.replay(Array(CommandLine.arguments.dropFirst()), FuzzTargets.configuration)) inputs")
    }
}
#endif
