import ArgumentParser
import Foundation

struct QR: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qr",
        abstract: "Print the public product page URL of a product or lot: what a QR code on the product holds.",
        discussion:
            "The page (served by 'prov serve') shows the history and checks every proof in the reader's browser.")

    @Argument(help: "A product code or a lot ID.") var identifier: String
    @Option(help: ArgumentHelp("The server's public address.", valueName: "URL")) var baseURL = "http://127.0.0.1:8080"

    func run() throws {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        guard let path = identifier.addingPercentEncoding(withAllowedCharacters: allowed), !identifier.isEmpty else {
            throw ValidationError("'\(identifier)' cannot be put in a URL")
        }
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        print("\(base)/p/\(path)")
    }
}
