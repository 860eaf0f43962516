import Foundation

/// The action items of a postmortem, with positions.
package enum ActionItems {
    package struct Item: Sendable {
        package let position: SourcePosition
        package let title: String
        package let owner: String?
        package let due: String?
        package let status: String
        package let link: String?
    }

    package static func items(of entry: Entry) -> [Item] {
        guard case .sequence(let values, _)? = entry.frontMatter["action_items"] else { return [] }
        return values.compactMap { value in
            guard case .mapping(let pairs, let position) = value else { return nil }
            func text(_ key: String) -> String? {
                guard let scalar = pairs.first(where: { $0.key.text == key })?.value.scalar, !scalar.isNull,
                      !scalar.text.isBlank else { return nil }
                return scalar.text
            }
            return Item(position: position, title: text("title") ?? "(untitled)", owner: text("owner"), due: text("due"),
                        status: text("status") ?? "open", link: text("link"))
        }
    }
}
