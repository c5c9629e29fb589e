import Foundation
import Spreadsheets
import Testing

/// The parts of a workbook that are text: column references, numbers, sheet names and the escaping of cell text.
/// `PlotImportTests` reads a whole workbook back through openpyxl.
@Suite struct XLSXWorkbookTests {
    @Test(arguments: [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA"), (701, "ZZ"), (702, "AAA")])
    func columnsAreLettered(index: Int, letters: String) {
        #expect(XLSXWorkbook.column(index) == letters)
    }

    @Test func onlyPlainDecimalsAreNumbers() {
        for number in ["0", "900", "980.25", "-1.5", "0.000001"] { #expect(XLSXWorkbook.isNumber(number), "\(number)") }
        for text in ["", "-", ".5", "5.", "1e5", "1,5", "1.2.3", " 1", "NaN", "+1", "0x10"] {
            #expect(!XLSXWorkbook.isNumber(text), "\(text)")
        }
    }

    @Test func cellTextIsEscaped() {
        #expect(XLSXWorkbook.escape(#"<a & "b">"#) == "&lt;a &amp; &quot;b&quot;&gt;")
        #expect(XLSXWorkbook.escape("tab\tline\nbell\u{7}") == "tab\tline\nbell_x0007_")
        // Text that reads as the format's escape keeps its underscore.
        #expect(XLSXWorkbook.escape("_x0041_ and _x12_") == "_x005F_x0041_ and _x12_")
        #expect(XLSXWorkbook.escape("Köln ✓") == "Köln ✓")
    }

    @Test func sheetNamesLoseWhatTheyMayNotHold() {
        #expect(XLSXWorkbook.sheetName("FSMA 204") == "FSMA 204")
        #expect(XLSXWorkbook.sheetName("a/b:c*d?e[f]g\\h") == "abcdefgh")
        #expect(XLSXWorkbook.sheetName(String(repeating: "x", count: 40)).count == 31)
        #expect(XLSXWorkbook.sheetName("[]") == "Sheet1")
    }

    @Test func theSameRowsGiveTheSameBytes() throws {
        func workbook(_ quantity: String) -> XLSXWorkbook {
            XLSXWorkbook(
                sheetName: "Sheet", header: ["Lot", "Quantity"],
                rows: [[.text("LOT-1"), .number(quantity)], [.text("LOT-2"), .number("not a number")]])
        }
        let first = try workbook("900").data()
        #expect(try workbook("900").data() == first)
        #expect(try workbook("901").data() != first)
        // A ZIP archive: its local file header's signature.
        #expect(Array(first.prefix(4)) == [0x50, 0x4B, 0x03, 0x04])
    }
}
