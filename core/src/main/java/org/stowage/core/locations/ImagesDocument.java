package org.stowage.core.locations;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JSON document of images as Glance's image API shows them: an array of images, or the
 * {@code {"images": [...]}} object that {@code GET /v2/images} returns. It is read so that only
 * locations change when it is written back: every other field of the document, of each image and
 * of each location stays as it came, in its place, with numbers and strings as Python's
 * {@code json} module writes them (see {@link GlanceJson}).
 */
public final class ImagesDocument {
    private final Object root;
    private final List<Map<String, Object>> imageObjects;
    private final List<ImageRecord> images;

    private ImagesDocument(Object root, List<Map<String, Object>> imageObjects, List<ImageRecord> images) {
        this.root = root;
        this.imageObjects = imageObjects;
        this.images = List.copyOf(images);
    }

    /**
     * Reads a document; {@code what} names it in errors (a file name, "stdin").
     *
     * @throws InvalidInputException naming {@code what}, the element and what was expected
     */
    public static ImagesDocument parse(String json, String what) {
        Object root;
        try {
            root = GlanceJson.parse(json);
        } catch (GlanceJson.RefusedException e) {
            throw new InvalidInputException(what + ": not JSON Stowage can rewrite without loss: " + e.getMessage());
        }
        List<Object> list = imageList(root, what);
        List<Map<String, Object>> objects = new ArrayList<>();
        List<ImageRecord> records = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Map<String, Object> img = object(list.get(i));
            if (img == null || !(img.get("id") instanceof String)) {
                throw new InvalidInputException(what + ": element " + i + " is not an image object with a string \"id\"");
            }
            objects.add(img);
            records.add(new ImageRecord((String) img.get("id"), locations(img, what)));
        }
        return new ImagesDocument(root, objects, records);
    }

    /** The images, in document order. */
    public List<ImageRecord> images() {
        return images;
    }

    /**
     * The document with each image's locations as in {@code upgraded} (the same images, in the
     * same order): a location that changed gets its new {@code url} and {@code metadata} in place;
     * everything else is written as it was read.
     */
    public String render(List<ImageRecord> upgraded) {
        if (upgraded.size() != images.size()) {
            throw new IllegalArgumentException(upgraded.size() + " images for a document of " + images.size());
        }
        for (int i = 0; i < images.size(); i++) {
            ImageRecord before = images.get(i);
            ImageRecord after = upgraded.get(i);
            if (!before.id().equals(after.id()) || before.locations().size() != after.locations().size()) {
                throw new IllegalArgumentException("image " + after.id() + " does not match image " + before.id());
            }
            replaceChanged(imageObjects.get(i), before.locations(), after.locations());
        }
        return GlanceJson.dumps(root);
    }

    private static void replaceChanged(Map<String, Object> image, List<ImageLocation> before, List<ImageLocation> after) {
        for (int j = 0; j < before.size(); j++) {
            if (!before.get(j).equals(after.get(j))) {
                Map<String, Object> location = object(((List<?>) image.get("locations")).get(j));
                location.put("url", after.get(j).url());
                location.put("metadata", after.get(j).metadata());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> imageList(Object root, String what) {
        Object list = root;
        if (root instanceof Map && ((Map<String, Object>) root).containsKey("images")) {
            list = ((Map<String, Object>) root).get("images");
        }
        if (!(list instanceof List)) {
            throw new InvalidInputException(what + ": expected a JSON array of images [{\"id\": ..., \"locations\": [...]}]"
                    + " or an object {\"images\": [...]} as GET /v2/images returns");
        }
        return (List<Object>) list;
    }

    private static List<ImageLocation> locations(Map<String, Object> img, String what) {
        Object l = img.get("locations");
        if (l == null) {
            return List.of();
        }
        if (!(l instanceof List)) {
            throw new InvalidInputException(what + ": image " + img.get("id") + ": \"locations\" must be an array");
        }
        List<ImageLocation> out = new ArrayList<>();
        for (Object lo : (List<?>) l) {
            Map<String, Object> lm = object(lo);
            if (lm == null || !(lm.get("url") instanceof String)) {
                throw new InvalidInputException(what + ": image " + img.get("id") + ": a location without a string \"url\"");
            }
            Map<String, Object> meta = object(lm.get("metadata"));
            out.add(new ImageLocation((String) lm.get("url"), meta == null ? Map.of() : meta));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : null;
    }
}
