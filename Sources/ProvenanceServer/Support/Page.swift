import Hummingbird
import LedgerCore

/// One page of a list: `?offset=` and `?limit=` (default 100, from 1 to 1,000), answered as the items
/// and a `page` object with the total and the next page's offset.
struct Page {
    static let defaultLimit = 100
    static let maximumLimit = 1_000

    let offset: Int
    let limit: Int

    init(_ request: Request) throws(APIError) {
        offset = try request.integerParameter("offset", default: 0)
        limit = try request.integerParameter(
            "limit", default: Self.defaultLimit, minimum: 1, maximum: Self.maximumLimit)
    }

    /// The slice of `items` this page covers.
    func slice<Item>(_ items: [Item]) -> ArraySlice<Item> {
        let start = min(offset, items.count)
        return items[start..<min(items.count, start + limit)]
    }

    /// `{"offset", "limit", "total", "next"}`; `next` is `null` on the last page.
    func json(total: Int) -> JSONValue {
        let next = offset + limit < total ? JSONValue.integer(offset + limit) : .null
        return ["offset": .integer(offset), "limit": .integer(limit), "total": .integer(total), "next": next]
    }
}
