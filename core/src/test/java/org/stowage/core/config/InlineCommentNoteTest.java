package org.stowage.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;
import org.stowage.core.AddOptions;
import org.stowage.core.FakeDriverFactory;
import org.stowage.core.Stowage;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * A value holding {@code " #"} or {@code " ;"} is kept whole, as oslo.config keeps it, and an error
 * about it says so: through the host's option checks, and through any driver's message that
 * quotes the value.
 */
class InlineCommentNoteTest {
    static final String NOTE_HASH = "(note: oslo.config has no inline comments, so the text after '#' is part of "
            + "the value, as Glance reads it too: put the comment on a line of its own)";
    static final String NOTE_SEMICOLON = NOTE_HASH.replace("'#'", "';'");

    static Stowage build(String ini) {
        return Stowage.builder().config(ConfigFiles.parse("glance-api.conf", ini)).pluginsDir(null)
                .addFactory(new FakeDriverFactory("mem")).build();
    }

    /** Two stores of the fake type, the reserved ones given schemes of their own. */
    static String twoStores(String extra) {
        return "[DEFAULT]\nenabled_backends = good:mem, odd:mem\n[glance_store]\ndefault_backend = good\n"
                + "[os_glance_staging_store]\nschemes = staging\n[os_glance_tasks_store]\nschemes = tasks\n"
                + "[good]\n[odd]\n" + extra;
    }

    static Stowage buildTwo(String extra) {
        return Stowage.builder().config(ConfigFiles.parse("glance-api.conf", twoStores(extra))).pluginsDir(null)
                .addFactory(new FakeDriverFactory("mem")).addFactory(new FakeDriverFactory("file")).build();
    }

    @Test
    void theValueIsKeptWholeAsOsloKeepsIt() {
        StowageConfig c = StowageConfig.from(ConfigFiles.parse("glance-api.conf", twoStores(
                "cinder_volume_type = glance-old # as per old cinder.conf\n")), "glance-api.conf");
        assertThat(c.section("odd").get("cinder_volume_type").value()).isEqualTo("glance-old # as per old cinder.conf");
    }

    @Test
    void anOptionErrorAboutSuchAValueAddsTheNote() {
        assertThatThrownBy(() -> buildTwo("count = 3 # three copies\n").close())
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessage("store 'odd': option count = '3 # three copies' (glance-api.conf:11): expected an integer "
                        + NOTE_HASH);
        assertThatThrownBy(() -> build("[glance_store]\nstores = mem\ndefault_store = mem\nflag = yes ; on\n").close())
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageEndingWith("expected a boolean (true/false, yes/no, on/off, 1/0) " + NOTE_SEMICOLON);
    }

    @Test
    void aDriverReasonQuotingSuchAValueAddsTheNote() {
        // the fake driver reports its option's text as the reason its writes are disabled, as a driver
        // reports a value it found unusable (a volume type that does not exist)
        try (Stowage s = buildTwo("write_disabled = volume type 'glance-old # as per old cinder.conf' does not exist\n")) {
            String reason = "volume type 'glance-old # as per old cinder.conf' does not exist " + NOTE_HASH;
            assertThat(s.store("odd").writeDisabledReason()).hasValue(reason);
            assertThatThrownBy(() -> s.add("odd", new ByteArrayInputStream(new byte[1]), AddOptions.defaults().imageId("0d1c5a6e-0000-4000-8000-000000000001").declaredSize(1).hashAlgorithm("sha512")))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_ADD_DISABLED).hasMessageEndingWith(reason);
        }
    }

    @Test
    void valuesWithoutAnInlineCommentGetNoNote() {
        assertThatThrownBy(() -> buildTwo("count = three#3\n").close())
                .hasMessage("store 'odd': option count = 'three#3' (glance-api.conf:11): expected an integer");
        try (Stowage s = buildTwo("write_disabled = password 'a#b' and 'c;d' refused\n")) {
            assertThat(s.store("odd").writeDisabledReason()).hasValue("password 'a#b' and 'c;d' refused");
        }
    }
}
