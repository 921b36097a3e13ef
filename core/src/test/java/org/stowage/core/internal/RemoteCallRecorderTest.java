package org.stowage.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RemoteCallRecorderTest {
    @Test
    void eachCallIsTimedWithStoreServiceMethodAndStatusTags() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RemoteCallRecorder r = new RemoteCallRecorder("fast", () -> registry);
        r.completed("cinder", "get", "http://cinder:8776/v3/p/volumes/1", 200, Duration.ofMillis(30));
        r.completed("cinder", "GET", "http://cinder:8776/v3/p/volumes/2", 200, Duration.ofMillis(10));
        r.completed("keystone", "POST", "http://ks:5000/v3/auth/tokens", -1, Duration.ofMillis(5));

        Timer ok = registry.find(RemoteCallRecorder.METER)
                .tags("store", "fast", "service", "cinder", "method", "GET", "status", "200").timer();
        assertThat(ok).isNotNull();
        assertThat(ok.count()).isEqualTo(2);
        assertThat(ok.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40.0);
        Timer failed = registry.find(RemoteCallRecorder.METER)
                .tags("store", "fast", "service", "keystone", "method", "POST", "status", "none").timer();
        assertThat(failed).isNotNull();
        assertThat(failed.count()).isEqualTo(1);
    }

    @Test
    void urlsLoseUserInfoQueryValuesAndFragments() {
        assertThat(RemoteCallRecorder.safeUrl("https://bob:s3cret@files.example/img?X-Amz-Signature=abc&v=1#frag"))
                .isEqualTo("https://****@files.example/img?X-Amz-Signature=****&v=****");
        assertThat(RemoteCallRecorder.safeUrl("http://cinder:8776/v3/p/volumes/detail?limit=10&marker=x"))
                .isEqualTo("http://cinder:8776/v3/p/volumes/detail?limit=****&marker=****");
        assertThat(RemoteCallRecorder.safeUrl("http://host:80")).isEqualTo("http://host:80");
        assertThat(RemoteCallRecorder.safeUrl(null)).isEmpty();
    }
}
