import LoreKit
import Testing

@Suite struct QueryTests {
    @Test func searchWordsBecomeQuotedFTSTerms() throws {
        #expect(try SearchQuery.ftsExpression("connection pool") == "\"connection\" AND \"pool\"")
        #expect(try SearchQuery.ftsExpression("\"checkout failed\" db*") == "\"checkout failed\" AND \"db\"*")
        #expect(try SearchQuery.ftsExpression("disk OR queue lag") == "(\"disk\" OR \"queue\") AND \"lag\"")
        // FTS5 syntax characters are text, never operators.
        #expect(try SearchQuery.ftsExpression("NEAR(a b) title:x -y a\"b") == "\"NEAR(a\" AND \"b)\" AND \"title:x\" AND \"-y\" AND \"a\"\"b\"")
        #expect { try SearchQuery.ftsExpression("*** ()") } throws: {
            ($0 as? SearchQueryError)?.message == "the query '*** ()' has no word to search for"
        }
    }

    @Test func datesTimesAndNumbersOrderByValue() {
        #expect(FieldOrdering.compare("2025-03-14T23:30:00-02:00", "2025-03-15T01:00:00Z", type: nil) == 1)
        #expect(FieldOrdering.compare("2025-03-14T23:30:00-02:00", "2025-03-14", type: nil) == 0)  // a bare date compares days as written
        #expect(FieldOrdering.compare("900", "12000", type: nil) == -1)
        #expect(FieldOrdering.compare("900", "12000", type: .string) == 1)  // declared text orders as text
        #expect(FieldOrdering.compare("soon", "2025-01-01", type: .date) == nil)
        #expect(FieldOrdering.compare("b", "a", type: nil) == 1)
    }

    @Test func expressionsParseWithColumns() throws {
        #expect(try FieldFilter.parse("services~pay") == FieldFilter(field: "services", .contains, "pay"))
        #expect(try FieldFilter.parse("a.b!=") == FieldFilter(field: "a.b", .notEqual, ""))
        #expect(try FieldFilter.parse("date<=2025-01-01") == FieldFilter(field: "date", .lessOrEqual, "2025-01-01"))
        #expect { try FieldFilter.parse("é~=x") } throws: {
            ($0 as? FilterSyntaxError)?.description == "invalid --where 'é~=x': column 3: unexpected '=' after '~'"
        }
        #expect { try FieldFilter.parse("") } throws: {
            ($0 as? FilterSyntaxError)?.description == "invalid --where '': column 1: expected FIELD=VALUE, got nothing"
        }
    }
}
