import Markdown
import Foundation
let data = FileHandle.standardInput.readDataToEndOfFile()
let text = String(decoding: data, as: UTF8.self)
let start = Date()
do { let doc = try MarkdownDocument.parse(text); print(doc.headings.count, doc.links.count, terminator: " ") } catch { print(error, terminator: " ") }
print(Date().timeIntervalSince(start))
