package org.stowage.core.config;

import org.stowage.spi.StoreSettings;

/**
 * oslo.config has no inline comments: {@code cinder_volume_type = glance-old # as per old cinder.conf}
 * sets the volume type to the whole text, as Glance reads it too, so an operator who meant a comment
 * sees a value that "does not exist" without knowing why. A message about a store that quotes
 * ({@code '...'}) a value holding {@code " #"} or {@code " ;"} gets {@link StoreSettings#inlineCommentNote}
 * added, whichever driver wrote it.
 */
public final class InlineComments {
    private InlineComments() {
    }

    /** {@code message}, with the note added if it quotes a value that holds an inline comment and has no note yet. */
    public static String explain(String message) {
        if (message == null || message.contains(StoreSettings.inlineCommentNote(" #"))
                || message.contains(StoreSettings.inlineCommentNote(" ;"))) {
            return message;
        }
        int open = message.indexOf('\'');
        while (open >= 0) {
            int close = message.indexOf('\'', open + 1);
            if (close < 0) {
                break;
            }
            String note = StoreSettings.inlineCommentNote(message.substring(open + 1, close));
            if (!note.isEmpty()) {
                return message + note;
            }
            open = message.indexOf('\'', close + 1);
        }
        return message;
    }
}
