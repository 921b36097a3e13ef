package org.stowage.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.core.ImageIds;
import org.stowage.core.Stowage;
import org.stowage.core.io.ChannelInput;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** {@code stowage add}. */
@Command(name = "add", description = "Store an image and print one JSON object: location, size, checksum (md5), "
        + "multihash, hash_algo, metadata.")
final class AddCommand extends StowageSubcommand implements Callable<Integer> {
    @Option(names = "--store", paramLabel = "ID", description = "Target store (default: the default store).")
    String store;
    @Option(names = "--image-id", paramLabel = "UUID", converter = ImageIdConverter.class,
            description = "Image id, a UUID as Glance requires (default: a new UUID).")
    String imageId;
    @Option(names = "--size", paramLabel = "N", converter = Ranges.NonNegative.class, description = "Declared size in bytes; the data must match it "
            + "(default: the file's size; unknown for stdin).")
    Long size;
    @Option(names = "--hash", paramLabel = "ALGO", description = "Multihash algorithm (default: [DEFAULT] hashing_algorithm, sha512).")
    String hash;
    @Option(names = "--owner", paramLabel = "PROJECT", description = "Owning project id, recorded by stores that keep it.")
    String owner;
    @Parameters(paramLabel = "FILE|-", description = "The image file, or - for stdin.")
    String file;

    @Override
    public Integer call() throws IOException {
        long declared;
        ReadableByteChannel in;
        if ("-".equals(file)) {
            in = new FileInputStream(FileDescriptor.in).getChannel();
            declared = size == null ? -1 : size;
        } else {
            Path p = Path.of(file);
            if (!Files.isRegularFile(p)) {
                throw new NoSuchFileException(file + " (expected a readable file or - for stdin)");
            }
            in = FileChannel.open(p, StandardOpenOption.READ);
            declared = size == null ? Files.size(p) : size;
        }
        // a channel: the add reads it into its own direct buffers, with no copy on the way to the store
        in = Transfers.input(in, "-".equals(file) ? "standard input" : file);
        try (Stowage s = open(); ReadableByteChannel closing = in) {
            Interruption.arm(s);
            AddOptions options = AddOptions.defaults().imageId(imageId).hashAlgorithm(hash).owner(owner);
            options = declared < 0 ? options : options.declaredSize(declared);
            String target = store == null ? s.defaultStore().id() : store;
            AddResult r;
            if (root().progress()) {
                try (Progress bar = Progress.start("add", declared)) {
                    r = s.add(target, ChannelInput.of(in), options.phases(bar).progress(bar::written));
                    bar.finish();
                }
            } else {
                r = s.add(target, ChannelInput.of(in), options);
            }
            AddResults.print(out(), s, r, store);
        }
        return 0;
    }

    /** {@code --image-id}: a UUID, checked by the core's rule before anything is read. */
    static final class ImageIdConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!ImageIds.isValid(value)) {
                throw new TypeConversionException(ImageIds.problem(value));
            }
            return value;
        }
    }
}
