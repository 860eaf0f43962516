import Foundation

/// Results written by index from several threads; each index is written exactly once.
private final class ResultSlots<Result>: @unchecked Sendable {
    var slots: [Result?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
}

extension Array where Element: Sendable {
    /// `parallelMap` where each contiguous chunk first makes a context (a per-thread reader, say)
    /// that the transform then uses for every element of the chunk.
    func parallelMap<Context, Result: Sendable>(context makeContext: @Sendable () -> Context,
                                                _ transform: @Sendable (inout Context, Element) -> Result) -> [Result] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if cores <= 1 || count <= 16 {
            var context = makeContext()
            return map { transform(&context, $0) }
        }
        let slots = ResultSlots<Result>(count: count)
        let chunks = Swift.min(count, cores * 4)
        let chunkSize = (count + chunks - 1) / chunks
        self.withUnsafeBufferPointer { input in
            nonisolated(unsafe) let input = input
            slots.slots.withUnsafeMutableBufferPointer { output in
                nonisolated(unsafe) let output = output
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    let start = chunk * chunkSize
                    let end = Swift.min(start + chunkSize, input.count)
                    guard start < end else { return }
                    var context = makeContext()
                    for index in start..<end { output[index] = transform(&context, input[index]) }
                }
            }
        }
        return slots.slots.map { $0! }
    }

    /// `map` on every core, keeping the order of the input. Worth it only when `transform` is
    /// much more expensive than a thread hand-off (parsing a file, not adding numbers).
    func parallelMap<Result: Sendable>(_ transform: @Sendable (Element) -> Result) -> [Result] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard cores > 1, count > 16 else { return map(transform) }
        let slots = ResultSlots<Result>(count: count)
        let chunks = Swift.min(count, cores * 8)
        let chunkSize = (count + chunks - 1) / chunks
        self.withUnsafeBufferPointer { input in
            nonisolated(unsafe) let input = input
            slots.slots.withUnsafeMutableBufferPointer { output in
                nonisolated(unsafe) let output = output
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    let start = chunk * chunkSize
                    let end = Swift.min(start + chunkSize, input.count)
                    guard start < end else { return }
                    for index in start..<end { output[index] = transform(input[index]) }
                }
            }
        }
        return slots.slots.map { $0! }
    }
}
