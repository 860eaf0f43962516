import CGit2
import Foundation

/// The system's CA certificates, read by libgit2 only when a fetch needs them.
///
/// Debian's libgit2 is built with mbedTLS, and `git_libgit2_init` decodes the whole CA bundle
/// (`/etc/ssl/certs/ca-certificates.crt`, 140 certificates in base64) into memory: about 8 ms of CPU,
/// a fifth of what the pre-commit hook may take, in every process, although only a fetch over
/// `https://` uses them. Lore defines the one mbedTLS function libgit2 calls to read the bundle
/// (`mbedtls_x509_crt_parse_file`, which the executable's definition takes the place of): until a
/// fetch asks for them, it only notes the bundle's path; `Certificates.load()` then hands that path
/// back to libgit2 (`GIT_OPT_SET_SSL_CERT_LOCATIONS`), and the real function reads it. A libgit2
/// built without mbedTLS never calls it, and loads its certificates as it always does.
package enum Certificates {
    private final class State: @unchecked Sendable {
        let lock = NSLock()
        /// The bundle libgit2 asked for at initialisation.
        var path: String?
        /// A fetch wanted the certificates: read them from now on.
        var wanted = false
    }

    private static let state = State()

    /// Reads the certificates libgit2 asked for at initialisation (once; before a fetch).
    ///
    /// - Returns: libgit2's answer to reading them: 0 when they were read (or there was nothing
    ///   to read, or they were read before); negative when mbedTLS could not parse the bundle.
    @discardableResult
    package static func load() -> Int32 {
        _ = libgit2Ready
        state.lock.lock()
        let first = !state.wanted
        state.wanted = true
        let path = state.path
        state.lock.unlock()
        guard first, let path else { return 0 }
        return lore_git_set_ssl_cert_file(path)
    }

    /// What the executable's `mbedtls_x509_crt_parse_file` does: notes the path until the
    /// certificates are wanted, then calls the real function.
    fileprivate static func parse(_ chain: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
        state.lock.lock()
        let wanted = state.wanted
        if !wanted, let path { state.path = String(cString: path) }
        state.lock.unlock()
        guard wanted else { return 0 }
        typealias Parse = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Int32
        // RTLD_NEXT: the definition after the executable's, mbedTLS's own.
        guard let real = dlsym(UnsafeMutableRawPointer(bitPattern: -1), "mbedtls_x509_crt_parse_file") else { return -1 }
        return unsafeBitCast(real, to: Parse.self)(chain, path)
    }

    /// The path noted at initialisation, and whether the certificates were read (for tests).
    package static var noted: (path: String?, loaded: Bool) {
        _ = libgit2Ready
        state.lock.lock()
        defer { state.lock.unlock() }
        return (state.path, state.wanted)
    }
}

/// mbedTLS's `int mbedtls_x509_crt_parse_file(mbedtls_x509_crt *chain, const char *path)`, defined
/// in the executable so that libgit2's call at initialisation reaches it first (see `Certificates`).
/// Public so that the symbol keeps default visibility in an optimised build, where an internal
/// one is hidden and the dynamic linker would not let it take mbedTLS's place.
@_cdecl("mbedtls_x509_crt_parse_file")
public func loreMbedtlsX509CrtParseFile(_ chain: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
    Certificates.parse(chain, path)
}
