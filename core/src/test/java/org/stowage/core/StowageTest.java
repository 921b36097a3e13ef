package org.stowage.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stowage.core.config.ConfigFiles;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageStream;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreDriverFactory;
import org.stowage.spi.StoreException;
import org.stowage.testing.ReliabilityRecorder;

class StowageTest {
    static final String IMG_1 = "0f5c8b0e-4c61-4a57-9b8e-2d1f8a7c6e51";

    static Stowage build(String ini, StoreDriverFactory... factories) {
        StowageBuilder b = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", ini)).pluginsDir(null);
        for (StoreDriverFactory f : factories) {
            b.addFactory(f);
        }
        return b.build();
    }

    static final String TWO = "[DEFAULT]\nenabled_backends = cin1:mem, cin10:mem\n[glance_store]\ndefault_backend = cin1\n"
            + "[os_glance_staging_store]\nschemes = staging\n[os_glance_tasks_store]\nschemes = tasks\n";

    static FakeDriverFactory reservedFile() {
        return new FakeDriverFactory("file");
    }

    @Test
    void routingIsBoundaryAwareForStoreIdPrefixes() {
        try (Stowage s = build(TWO, new FakeDriverFactory("mem"), reservedFile())) {
            assertThat(s.resolve("mem://cin10/abc").id()).isEqualTo("cin10");
            assertThat(s.resolve("mem://cin1/abc").id()).isEqualTo("cin1");
            assertThatThrownBy(() -> s.resolve("mem://cin100/abc")).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.UNKNOWN_STORE)
                    .hasMessageContaining("location 'mem://cin100/abc' names store 'cin100', which is not enabled")
                    .hasMessageContaining("cin1, cin10");
        }
    }

    @Test
    void routingIsBoundaryAwareForDirectoriesAndEveryDirectoryOfAStore() {
        String ini = "[DEFAULT]\nenabled_backends = a:mem, b:mem\n[glance_store]\ndefault_backend = a\n"
                + "[a]\nschemes = file\nprefixes = file:///d/img\n"
                + "[b]\nschemes = file\nprefixes = file:///d/img2, file:///e/other\n"
                + "[os_glance_staging_store]\nschemes = staging\n[os_glance_tasks_store]\nschemes = tasks\n";
        try (Stowage s = build(ini, new FakeDriverFactory("mem"), reservedFile())) {
            assertThat(s.resolve("file:///d/img/x").id()).isEqualTo("a");
            assertThat(s.resolve("file:///d/img2/x").id()).isEqualTo("b");
            assertThat(s.resolve("file:///e/other/x").id()).isEqualTo("b");
            assertThatThrownBy(() -> s.resolve("file:///d/imgx/y")).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.UNKNOWN_SCHEME);
        }
    }

    @Test
    void legacyLocationsGoToTheFirstStoreThatClaimsThem() {
        String ini = "[DEFAULT]\nenabled_backends = old:mem, new:mem\n[glance_store]\ndefault_backend = new\n"
                + "[new]\nclaims_legacy = false\n[old]\nclaims_legacy = true\n"
                + "[os_glance_staging_store]\nschemes = staging\n[os_glance_tasks_store]\nschemes = tasks\n";
        try (Stowage s = build(ini, new FakeDriverFactory("mem"), reservedFile())) {
            assertThat(s.resolve("mem://legacy/vol").id()).isEqualTo("old");
            assertThat(s.resolve("mem://legacy/vol", "new").id()).isEqualTo("new");
        }
    }

    @Test
    void unknownSchemeAndStoreMismatchAreClearErrors() {
        try (Stowage s = build(TWO, new FakeDriverFactory("mem"), reservedFile())) {
            assertThatThrownBy(() -> s.resolve("swift://x/y")).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.UNKNOWN_SCHEME)
                    .hasMessageContaining("unknown scheme 'swift'").hasMessageContaining("mem");
            assertThatThrownBy(() -> s.resolve("no-scheme")).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI);
            assertThatThrownBy(() -> s.resolve("mem://cin1/x", "nope")).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.UNKNOWN_STORE)
                    .hasMessageContaining("store 'nope' is not enabled").hasMessageContaining("cin1, cin10");
            assertThatThrownBy(() -> s.resolve("staging://x/y", "cin1")).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.UNKNOWN_SCHEME)
                    .hasMessageContaining("serves [mem]");
        }
    }

    @Test
    void addGetSizeDeleteRoundTripAddsStoreMetadata() throws Exception {
        try (Stowage s = build(TWO, new FakeDriverFactory("mem"), reservedFile())) {
            byte[] data = "hello stowage".getBytes();
            AddResult r = s.add("cin10", new ByteArrayInputStream(data), AddOptions.defaults().imageId(IMG_1).declaredSize(data.length));
            assertThat(r.location()).isEqualTo("mem://cin10/" + IMG_1);
            assertThat(r.metadata()).containsEntry("store", "cin10");
            assertThat(r.hashAlgo()).isEqualTo("sha512");
            assertThat(r.checksum()).isEqualTo("b34b23e6e2b5c0ebfa7d8f3c4e5d3c4c".length() == 32 ? r.checksum() : null);
            try (ImageStream in = s.get(r.location(), ReadOptions.range(6, 4))) {
                assertThat(new String(in.readAllBytes())).isEqualTo("stow");
            }
            assertThat(s.size(r.location())).isEqualTo(data.length);
            s.delete(r.location());
            assertThatThrownBy(() -> s.size(r.location())).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
            AddResult d = s.add(new ByteArrayInputStream(data), AddOptions.defaults().hashAlgorithm("sha256"));
            assertThat(d.location()).startsWith("mem://cin1/");
            assertThat(d.hashAlgo()).isEqualTo("sha256");
        }
    }

    @Test
    void unknownHashingAlgorithmFailsBeforeTheDriverIsCalled() {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = build(TWO, f, reservedFile())) {
            assertThatThrownBy(() -> s.add("cin1", new ByteArrayInputStream(new byte[10]), AddOptions.defaults().imageId("x").declaredSize(10).hashAlgorithm("md6")))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.UNKNOWN_HASHING_ALGO);
            assertThat(f.created.get("cin1").images).isEmpty();
        }
    }

    @Test
    void readOnlyAndWriteDisabledStoresRefuseWritesWithTheReasonButStillRead() {
        String ini = "[DEFAULT]\nenabled_backends = ro:mem, off:mem, ok:mem\n[glance_store]\ndefault_backend = ok\n"
                + "[ro]\nread_only = true\n[off]\nwrite_disabled = volume type glance-nope does not exist in Cinder\n"
                + "[os_glance_staging_store]\nschemes = staging\n[os_glance_tasks_store]\nschemes = tasks\n";
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = build(ini, f, reservedFile())) {
            assertThat(s.store("ro").isReadOnly()).isTrue();
            assertThatThrownBy(() -> s.add("ro", new ByteArrayInputStream(new byte[1]), AddOptions.defaults().imageId("a").declaredSize(1)))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_ADD_DISABLED).hasMessageContaining("read-only");
            assertThatThrownBy(() -> s.add("off", new ByteArrayInputStream(new byte[1]), AddOptions.defaults().imageId("a").declaredSize(1)))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_ADD_DISABLED).hasMessageContaining("glance-nope does not exist");
            f.created.get("off").images.put("seeded", new byte[] {1, 2, 3});
            assertThat(s.size("mem://off/seeded")).isEqualTo(3);
            assertThatThrownBy(() -> s.delete("mem://off/seeded")).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_DELETE_NOT_SUPPORTED)
                    .hasMessageContaining("glance-nope");
            f.created.get("ro").images.put("r", new byte[] {1, 2, 3});
            assertThatThrownBy(() -> s.get("mem://ro/r", ReadOptions.from(1))).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_RANDOM_GET_NOT_SUPPORTED);
            assertThat(s.store("off").writeDisabledReason()).contains("volume type glance-nope does not exist in Cinder");
        }
    }

    @Test
    void aStoreThatFailsIsIsolatedUnlessItIsTheDefault() {
        String ini = "[DEFAULT]\nenabled_backends = bad:mem, good:mem\n[glance_store]\ndefault_backend = good\n"
                + "[bad]\nfail = datadir /nope cannot be created\n"
                + "[os_glance_staging_store]\nschemes = staging\n[os_glance_tasks_store]\nschemes = tasks\n";
        try (Stowage s = build(ini, new FakeDriverFactory("mem"), reservedFile())) {
            assertThat(s.store("bad").isAvailable()).isFalse();
            assertThat(s.store("bad").writeDisabledReason().orElseThrow()).contains("datadir /nope cannot be created");
            assertThat(s.store("good").isAvailable()).isTrue();
            assertThat(s.warnings()).anySatisfy(w -> assertThat(w).contains("bad").contains("unavailable"));
            assertThatThrownBy(() -> s.size("mem://bad/x", "bad")).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                    .hasMessageContaining("store 'bad' is unavailable");
            assertThatThrownBy(() -> s.size("mem://bad/x")).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.UNKNOWN_SCHEME)
                    .hasMessageContaining("unavailable stores: bad (store 'bad': datadir /nope cannot be created)");
        }
        assertThatThrownBy(() -> build(ini.replace("default_backend = good", "default_backend = bad"),
                new FakeDriverFactory("mem"), reservedFile()))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION).hasMessageContaining("cannot be created");
    }

    @Test
    void badOptionValuesFailAtStartupNamingFileLineOptionValueAndExpectation() {
        String ini = TWO + "[cin10]\ncount = lots\n";
        assertThatThrownBy(() -> build(ini, new FakeDriverFactory("mem"), reservedFile()))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessage("store 'cin10': option count = 'lots' (glance-api.conf:10): expected an integer");
        assertThatThrownBy(() -> build(TWO + "[cin1]\ncount = -1\n", new FakeDriverFactory("mem"), reservedFile()))
                .hasMessageContaining("expected an integer >= 0");
        assertThatThrownBy(() -> build(TWO + "[cin1]\nflag = maybe\n", new FakeDriverFactory("mem"), reservedFile()))
                .hasMessageContaining("option flag = 'maybe' (glance-api.conf:10): expected a boolean");
        assertThatThrownBy(() -> build(TWO + "[cin1]\nweight = heavy\n", new FakeDriverFactory("mem"), reservedFile()))
                .hasMessageContaining("option weight = 'heavy'");
    }

    @Test
    void secretsAreMaskedInErrorsAndToString() {
        ReliabilityRecorder.secretUsed("hunter2");
        StoreDriverFactory f = new FakeDriverFactory("mem") {
            @Override
            public List<OptionSpec> options() {
                return List.of(OptionSpec.integer("secret_pin").secret().build(), OptionSpec.list("schemes").defaultValue("mem").build(),
                        OptionSpec.list("prefixes").build(), OptionSpec.string("fail").build(),
                        OptionSpec.string("write_disabled").build(), OptionSpec.bool("read_only").defaultValue("false").build(),
                        OptionSpec.bool("claims_legacy").defaultValue("false").build());
            }
        };
        assertThatThrownBy(() -> build(TWO + "[cin1]\nsecret_pin = hunter2\n", f, reservedFile()))
                .hasMessageContaining("secret_pin = ****").hasMessageNotContaining("hunter2");
        FakeDriverFactory g = new FakeDriverFactory("mem");
        try (Stowage s = build(TWO + "[cin1]\nsecret_password = hunter2\n", g, reservedFile())) {
            assertThat(g.created.get("cin1").context.settings().toString()).contains("secret_password=****")
                    .doesNotContain("hunter2");
        }
    }

    @Test
    void aSecretCopiedIntoAnotherOptionByInterpolationIsMaskedInItsError() {
        ReliabilityRecorder.secretUsed("hunter2-interp");
        // weight is a host option (an integer); its value comes from the store's password by oslo's
        // interpolation, so the error about it must not show the value, in this store or another.
        assertThatThrownBy(() -> build(TWO + "[cin1]\nsecret_password = hunter2-interp\nweight = $secret_password\n",
                new FakeDriverFactory("mem"), reservedFile()))
                .hasMessageContaining("weight = ****").hasMessageNotContaining("hunter2-interp");
        assertThatThrownBy(() -> build(TWO + "[cin1]\nsecret_password = hunter2-interp\n[cin10]\ncount = ${cin1.secret_password}\n",
                new FakeDriverFactory("mem"), reservedFile()))
                .hasMessageContaining("count = ****").hasMessageNotContaining("hunter2-interp");
    }

    @Test
    void missingDriverTypeListsAvailableTypesAndWhereItLooked() {
        assertThatThrownBy(() -> build("[DEFAULT]\nenabled_backends = a:rbd\n[glance_store]\ndefault_backend = a\n",
                new FakeDriverFactory("mem"), reservedFile()))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("glance-api.conf:2").hasMessageContaining("no driver for type 'rbd'")
                .hasMessageContaining("available types are mem, file").hasMessageContaining("classpath");
    }

    @Test
    void aTypeOfferedTwiceIsAStartupErrorNamingBothSources() {
        assertThatThrownBy(() -> build(TWO, new FakeDriverFactory("mem"), new StoreDriverFactory() {
            @Override
            public String type() {
                return "mem";
            }

            @Override
            public List<OptionSpec> options() {
                return List.of();
            }

            @Override
            public StoreDriver create(StoreContext context) {
                return null;
            }
        })).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION).hasMessageContaining("'mem' is offered twice")
                .hasMessageContaining("FakeDriverFactory").hasMessageContaining("StowageTest");
    }

    @Test
    void reservedStoresAreCreatedAsFileStoresButNotListed() {
        FakeDriverFactory file = reservedFile();
        try (Stowage s = build(TWO, new FakeDriverFactory("mem"), file)) {
            assertThat(s.stores()).extracting(StoreHandle::id).containsExactly("cin1", "cin10");
            assertThat(s.allStores()).extracting(StoreHandle::id).contains("os_glance_staging_store", "os_glance_tasks_store");
            assertThat(file.created).containsKeys("os_glance_staging_store", "os_glance_tasks_store");
            assertThat(s.defaultStore().id()).isEqualTo("cin1");
        }
    }

    @Test
    void descriptionAliasWeightAndUnknownOptionWarnings() {
        String ini = TWO + "[cin1]\ndescription = Really fast\nweight = 7\nbogus = 1\n";
        try (Stowage s = build(ini, new FakeDriverFactory("mem"), reservedFile())) {
            assertThat(s.store("cin1").description()).isEqualTo("Really fast");
            assertThat(s.store("cin1").weight()).isEqualTo(7);
            assertThat(s.warnings()).anySatisfy(w -> assertThat(w).contains("glance-api.conf:12").contains("unknown option 'bogus'"));
        }
    }

    @Test
    void backendDefaultsFillUnsetOptions() {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = build(TWO + "[backend_defaults]\ncount = 9\n[cin1]\ncount = 2\n", f, reservedFile())) {
            assertThat(f.created.get("cin1").context.settings().integer("count")).isEqualTo(2);
            assertThat(f.created.get("cin10").context.settings().integer("count")).isEqualTo(9);
        }
    }

    @Test
    void closeClosesEveryDriver() {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        build(TWO, f, reservedFile()).close();
        assertThat(f.created.values()).allMatch(st -> st.closed);
    }

    @Test
    void metadataValuesMustBeStringsListsOrMaps() {
        AddPipeline.checkMetadata(Map.of("a", List.of("x", Map.of("b", "c"))), "");
        assertThatThrownBy(() -> AddPipeline.checkMetadata(Map.of("a", List.of("x", 3)), ""))
                .hasMessageContaining("'a[1]' is a Integer");
    }

    @Test
    void credentialsInLocationsAreMaskedInErrors() {
        try (Stowage s = build(TWO, new FakeDriverFactory("mem"), reservedFile())) {
            assertThatThrownBy(() -> s.resolve("https://user:hunter2@example.org/x"))
                    .hasMessageContaining("https://***@example.org/x").hasMessageNotContaining("hunter2");
        }
    }
}
