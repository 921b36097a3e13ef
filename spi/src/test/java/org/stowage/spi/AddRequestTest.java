package org.stowage.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A request for openWriter: id, declared size, owner, phases; it carries no data. */
class AddRequestTest {
    @Test
    void holdsWhatTheHostKnowsBeforeTheFirstByte() {
        AddPhases phases = p -> { };
        AddRequest r = new AddRequest("img", 42, "project", phases);
        assertThat(r.imageId()).isEqualTo("img");
        assertThat(r.declaredSize()).isEqualTo(42);
        assertThat(r.owner()).hasValue("project");
        assertThat(r.phases()).isSameAs(phases);
    }

    @Test
    void anUnknownSizeNoOwnerAndNoPhasesAreAllowed() {
        AddRequest r = new AddRequest("img", AddRequest.UNKNOWN_SIZE, null, null);
        assertThat(r.declaredSize()).isEqualTo(-1);
        assertThat(r.owner()).isEmpty();
        assertThat(r.phases()).isSameAs(AddPhases.NONE);
    }

    @Test
    void anIdIsRequiredAndASizeBelowUnknownIsRefused() {
        assertThatThrownBy(() -> new AddRequest(null, 1, null, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("imageId");
        assertThatThrownBy(() -> new AddRequest("img", -2, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("declared size of image img is -2: expected a size of 0 or more, or -1 for unknown");
    }
}
