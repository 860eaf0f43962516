import Foundation
import CGit2
import Git
import Testing
import TestSupport

/// libgit2's initialisation only notes where the CA bundle is (Debian's mbedTLS build decodes it
/// otherwise, in every process); a fetch still works, and reads the bundle first.
@Suite struct CertificatesTests {
    @Test func theBundleIsReadOnlyForAFetch() throws {
        let origin = try TemporaryRepository()
        try origin.write("a.md", "a\n")
        try origin.commitAll("first")
        _ = try Repository.discover(from: origin.path)
        // A libgit2 built with mbedTLS asked for its bundle at initialisation; another never asks.
        if let path = Certificates.noted.path { #expect(FileManager.default.fileExists(atPath: path)) }
        let mirror = try Repository.openOrCreateBare(at: origin.base + "/mirror.git")
        try mirror.fetchMirror(from: "file://" + origin.path)
        #expect(Certificates.noted.loaded)
        // The real mbedTLS function read the bundle when it was wanted: libgit2 reports an error
        // when it cannot (an https fetch would then fail to verify any server).
        if let path = Certificates.noted.path {
            #expect(lore_git_set_ssl_cert_file(path) == 0)
        }
        #expect(try mirror.resolveCommit("refs/heads/main") == (try Repository.discover(from: origin.path).resolveCommit("HEAD")))
    }
}
