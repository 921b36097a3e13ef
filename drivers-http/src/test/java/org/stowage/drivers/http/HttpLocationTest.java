package org.stowage.drivers.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;
import org.stowage.testing.ReliabilityRecorder;

class HttpLocationTest {

    @Test
    void parsesGlanceFieldsAndDropsTheFragment() {
        HttpLocation l = HttpLocation.parse("https://user:pw@images.example.com:8443/a/b.img?sig=abc#frag");
        assertThat(l.scheme()).isEqualTo("https");
        assertThat(l.host()).isEqualTo("images.example.com");
        assertThat(l.port()).isEqualTo(8443);
        assertThat(l.netloc()).isEqualTo("images.example.com:8443");
        assertThat(l.path()).isEqualTo("/a/b.img");
        assertThat(l.query()).isEqualTo("sig=abc");
        assertThat(l.uri()).isEqualTo("https://user:pw@images.example.com:8443/a/b.img?sig=abc");
        assertThat(l.hostHeader()).isEqualTo("images.example.com:8443");
        assertThat(l.originForm()).isEqualTo("/a/b.img?sig=abc");
    }

    @Test
    void toStringNeverShowsCredentialsOrQuery() {
        ReliabilityRecorder.secretUsed("hunter2");
        HttpLocation l = HttpLocation.parse("http://alice:hunter2@h/x.img?token=t0p");
        assertThat(l.toString()).isEqualTo("http://****@h/x.img?****").doesNotContain("alice", "hunter2", "t0p");
        assertThat(l.hasCredentials()).isTrue();
        assertThat(l.userDecoded()).isEqualTo("alice");
        assertThat(l.passwordDecoded()).isEqualTo("hunter2");
    }

    @Test
    void defaultsPortsAndHandlesIpv6AndEmptyPath() {
        assertThat(HttpLocation.parse("http://h").port()).isEqualTo(80);
        assertThat(HttpLocation.parse("https://h").port()).isEqualTo(443);
        assertThat(HttpLocation.parse("http://h").originForm()).isEqualTo("/");
        assertThat(HttpLocation.parse("http://h:").port()).isEqualTo(80);
        HttpLocation v6 = HttpLocation.parse("http://[::1]:8080/img");
        assertThat(v6.host()).isEqualTo("::1");
        assertThat(v6.port()).isEqualTo(8080);
        assertThat(v6.hostHeader()).isEqualTo("[::1]:8080");
        assertThat(HttpLocation.parse("https://[fe80::1]/x").hostHeader()).isEqualTo("[fe80::1]");
        assertThat(HttpLocation.parse("https://[fe80::1]/x").port()).isEqualTo(443);
    }

    @Test
    void emptyCredentialPartsFollowGlance() {
        // "@host": no credentials; ":pw@host": glance keeps credentials only with a user name
        assertThat(HttpLocation.parse("http://@h/x").hasCredentials()).isFalse();
        assertThat(HttpLocation.parse("http://:pw@h/x").hasCredentials()).isFalse();
        assertThat(HttpLocation.parse("http://:pw@h/x").uri()).isEqualTo("http://h/x");
        HttpLocation emptyPw = HttpLocation.parse("http://u:@h/x");
        assertThat(emptyPw.hasCredentials()).isTrue();
        assertThat(emptyPw.uri()).isEqualTo("http://u:@h/x");
    }

    @Test
    void percentEncodedCredentialsAreDecodedForBasicAuth() {
        HttpLocation l = HttpLocation.parse("http://us%40er:p%3Aw%25@h/x");
        assertThat(l.userDecoded()).isEqualTo("us@er");
        assertThat(l.passwordDecoded()).isEqualTo("p:w%");
    }

    @Test
    void unsafeRequestTargetBytesArePercentEncoded() {
        assertThat(HttpLocation.parse("http://h/a b/ü.img").originForm()).isEqualTo("/a%20b/%C3%BC.img");
    }

    /** Every malformed form glance_store's http store refuses (and a few the JVM must also refuse). */
    @ParameterizedTest
    @ValueSource(strings = {
        "ftp://h/x",                          // not one of the schemas
        "HTTP://h/x",                         // glance's prefix check is case-sensitive
        "http:/h/x",
        "h/x",
        "",
        "http://",                            // empty host
        "http:///path/img",                   // empty host
        "http://?q=1",                        // empty host
        "http://user@h/x",                    // credentials without ':'
        "http://a:b:c@h/x",                   // credentials with two ':'
        "http://a:b@c@h/x",                   // two '@'
        "http://user:pw@/x",                  // credentials but empty host
        "http://h:abc/x",                     // non-numeric port
        "http://h:80a/x",
        "http://h:99999/x",                   // port out of range
        "http://h:0/x",
        "http://[::1]:abc/x",                 // IPv6 literal, non-numeric port
        "http://[::1/x",                      // unclosed IPv6 literal
        "http://[::1]x/x",
        "http://::1/x",                       // IPv6 literal without brackets
        "http://:80/x",                       // empty host with a port
        "http://h/x\r\nX-Injected: 1",        // header injection
        "http://h /x",
    })
    void malformedUrisAreBadStoreUri(String uri) {
        assertThatThrownBy(() -> HttpLocation.parse(uri))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI)
                .satisfies(e -> assertThat(((StoreException) e).kind()).isEqualTo(ErrorKind.BAD_STORE_URI));
    }

    // named by index only: the arguments hold a password, which must not reach the test reports
    @ParameterizedTest(name = "malformed URI with credentials [{index}]")
    @ValueSource(strings = {"http://alice:hunter2:x@h/x", "http://alice@hunter2@h/x", "http://alice:hunter2@h:abc/x",
        "http://alice:hunter2@/x", "http://alice:hunter2@h/x?sig=hunter2\n"})
    void malformedUriMessagesHideCredentials(String uri) {
        assertThatThrownBy(() -> HttpLocation.parse(uri))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2").doesNotContain("alice"));
    }

    // named by index only: the arguments hold a password, which must not reach the test reports
    @ParameterizedTest(name = "credentials with an unencoded delimiter [{index}]")
    @ValueSource(strings = {"http://alice:Xq7/Zr9-hunter2@h/x", "http://alice:Xq7#Zr9-hunter2@h/x",
        "http://alice:Xq7?Zr9-hunter2@h/x", "https://alice:4711/Zr9-hunter2@h/x", "http://alice:4711?Zr9-hunter2@h",
        "http://al/Xq7:Zr9-hunter2@h/x", "http://alice:Xq7/Zr9-hunter2@h:abc/x"})
    void credentialsWithAnUnencodedSlashHashOrQuestionMarkAreRefusedAndNoPieceIsShown(String uri) {
        assertThatThrownBy(() -> HttpLocation.parse(uri))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2").doesNotContain("Xq7")
                        .doesNotContain("4711").doesNotContain("alice").contains("****@h")
                        .contains("percent-encode '/', '?' and '#'"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://registry/@scope/pkg", "http://h/x?owner=a@b", "http://u:p@h/x@y", "http://h/a@b:c"})
    void anAtSignAfterTheHostWithoutAColonBeforeItIsStillAPath(String uri) {
        HttpLocation l = HttpLocation.parse(uri);
        assertThat(l.host()).isIn("registry", "h");
    }

    @ParameterizedTest
    @CsvSource({
        // base, Location, expected (RFC 3986 §5.4 examples adapted, plus absolute and network-path forms)
        "http://a/b/c/d;p?q, g, http://a/b/c/g",
        "http://a/b/c/d;p?q, ./g, http://a/b/c/g",
        "http://a/b/c/d;p?q, g/, http://a/b/c/g/",
        "http://a/b/c/d;p?q, /g, http://a/g",
        "http://a/b/c/d;p?q, //g/x, http://g/x",
        "http://a/b/c/d;p?q, ?y, http://a/b/c/d;p?y",
        "http://a/b/c/d;p?q, g?y, http://a/b/c/g?y",
        "http://a/b/c/d;p?q, #s, http://a/b/c/d;p?q",
        "http://a/b/c/d;p?q, ../g, http://a/b/g",
        "http://a/b/c/d;p?q, ../../g, http://a/g",
        "http://a/b/c/d;p?q, ../../../g, http://a/g",
        "http://a/b/c/d;p?q, /./g, http://a/g",
        "http://a/b/c/d;p?q, g/./h/../i, http://a/b/c/g/i",
        "http://a/b/c/d;p?q, https://other:8443/z, https://other:8443/z",
        "http://a/b/c/d;p?q, HTTPS://other/z, https://other/z",
        "https://u:p@a/b/c, d, https://u:p@a/b/d",
        "https://u:p@a/b/c, //elsewhere/d, https://elsewhere/d",
        "https://u:p@a/b/c, http://other/d, http://other/d",
    })
    void redirectTargetsResolveAgainstTheRequestUrl(String base, String ref, String expected) {
        assertThat(HttpLocation.parse(base).resolve(ref).uri()).isEqualTo(expected);
    }

    @Test
    void redirectToAnotherSchemeOrMalformedTargetIsBadStoreUri() {
        HttpLocation base = HttpLocation.parse("http://a/b");
        assertThatThrownBy(() -> base.resolve("ftp://a/b")).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI)
                .hasMessageContaining("ftp");
        assertThatThrownBy(() -> base.resolve("file:///etc/passwd")).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI);
        assertThatThrownBy(() -> base.resolve("http://user@h/x")).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI);
    }
}
