package org.stowage.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.stowage.core.ReadOptions;
import org.stowage.core.StoreHandle;
import org.stowage.spi.ImageStream;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.Setting;

/** The store as a whole: found by the host on the classpath, releases what it holds, never shows a secret. */
public abstract class StoreTests extends KitTests {
    StoreTests(StoreDriverTestKit kit) {
        super(kit);
    }

    /** The host found the driver on the classpath (its extension index) and created the store. */
    @Test
    public void storeIsCreatedByTheHostFromTheClasspath() {
        StoreHandle store = host().store();
        assertThat(store.isAvailable()).as("store %s is available (failure: %s)", store.id(),
                store.failure().orElse("none")).isTrue();
        assertThat(store.source()).as("where the host found the %s driver", store.type()).startsWith("classpath");
    }

    /** Closing streams and the host releases every backend resource, even of streams left open. */
    @Test
    public void closeReleasesResources() throws IOException {
        byte[] data = bytes(StoreDriverTestKit.HOST_CHUNK + 100, 31);
        String location = seed(newImageId(), data);
        ImageStream a = host().get(location, 0, -1);
        ImageStream b = host().get(location, 0, -1);
        assertThat(a.read(new byte[100])).as("read from an open stream").isPositive();
        a.close();
        b.close();
        int open = fixture().openResources();
        if (open > 0) {
            fail("store holds " + open + " backend resources after every stream it returned was closed");
        }
        ImageStream leftOpen = host().get(location, 0, -1);
        assertThat(leftOpen.read(new byte[10])).as("read from an open stream").isPositive();
        host().close();
        open = fixture().openResources();
        if (open > 0) {
            fail("store holds " + open + " backend resources after close(), with one stream left open by the caller");
        }
        try {
            leftOpen.close();
        } catch (IOException e) {
            fail("closing a stream after the store was closed threw " + e);
        }
    }

    /** Secrets never appear in what the host shows of the store nor in error messages. */
    @Test
    public void secretsAreNeverShown() throws Exception {
        Set<String> secrets = kit.secrets();
        Assumptions.assumeFalse(secrets.isEmpty(), "the driver test declares no secrets()");
        checkSecretOptionsAreDeclaredSecret(secrets);
        List<String> texts = new ArrayList<>(shownByTheHost());
        exerciseErrors(texts);
        texts.addAll(observedTexts());
        for (String text : texts) {
            for (String secret : secrets) {
                if (text.contains(secret)) {
                    fail("a secret value appears in output: \"" + text.replace(secret, "<SECRET>") + "\"");
                }
            }
        }
    }

    private void checkSecretOptionsAreDeclaredSecret(Set<String> secrets) {
        Map<String, OptionSpec> specs = host().options().stream()
                .collect(Collectors.toMap(OptionSpec::name, Function.identity()));
        for (Setting s : kit.settingList(host().storeId())) {
            boolean holdsSecret = s.values().stream().anyMatch(v -> secrets.stream().anyMatch(v::contains));
            OptionSpec spec = specs.get(s.name());
            if (holdsSecret && (spec == null || !spec.secret())) {
                fail("option " + s.name() + " holds a secret value but is not declared secret() in options()");
            }
        }
    }

    private List<String> shownByTheHost() {
        StoreHandle store = host().store();
        List<String> texts = new ArrayList<>();
        texts.add(String.valueOf(store));
        texts.add(String.valueOf(store.properties()));
        texts.add(String.valueOf(store.locationPrefixes()));
        texts.add(store.status());
        texts.add(String.valueOf(store.health(Duration.ofSeconds(30))));
        store.writeDisabledReason().ifPresent(texts::add);
        texts.addAll(host().stowage().warnings());
        texts.add(String.valueOf(host().driver()));
        host().options().forEach(o -> texts.add(o.toString()));
        return texts;
    }

    private void exerciseErrors(List<String> texts) throws IOException {
        String location = seed(newImageId(), new byte[] {5, 6, 7});
        texts.add(String.valueOf(host().store().parse(location)));
        try (ImageStream s = host().get(location, 0, -1)) {
            texts.add(String.valueOf(s));
        }
        if (has(StoreBehavior.WRITE)) {
            String id = newImageId();
            texts.add(String.valueOf(add(id, new byte[] {1})));
            tryCall(() -> add(id, new byte[] {2}));
            tryCall(() -> host().add(newImageId(), new ByteArrayInputStream(new byte[3]), 4, "sha512"));
            tryCall(() -> host().add(newImageId(), new ByteArrayInputStream(new byte[3]), 3, "no-such-algo"));
        }
        tryCall(() -> host().store().parse("nosuchscheme://x/y"));
        for (String f : kit.foreignLocations()) {
            tryCall(() -> host().stowage().get(f, ReadOptions.whole().inStore(host().storeId())).close());
        }
        if (fixture().missingLocation().isPresent() || has(StoreBehavior.WRITE) && has(StoreBehavior.DELETE)) {
            String m = missingLocation();
            tryCall(() -> host().get(m, 0, -1).close());
            tryCall(() -> host().size(m));
        }
    }
}
