using System;
using System.IO;

namespace NetGen.Checkpoints;

/// <summary>
/// Replaces a file all at once: the content is written to a temporary file in the same folder, flushed
/// to disk, then renamed over the target. A failure at any point leaves the old file as it was and
/// removes the temporary file.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder cannot be written to.</exception>
    /// <exception cref="IOException"><paramref name="path"/> is a folder, or the file system failed; the message names <paramref name="path"/>.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string temporary = Temporary(fullPath);
        FileStream stream = Create(path, fullPath, temporary);
        try
        {
            using (stream)
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Checks now that <see cref="Write"/> could save <paramref name="path"/> (its folder exists and takes a
    /// new file; the path is not a folder), so that a long computation does not find out at its end. Writes
    /// and removes an empty temporary file; leaves any existing file at <paramref name="path"/> as it is.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder cannot be written to.</exception>
    /// <exception cref="IOException"><paramref name="path"/> is a folder, or the file system failed.</exception>
    public static void CheckWritable(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        string temporary = Temporary(fullPath);
        Create(path, fullPath, temporary).Dispose();
        TryDelete(temporary);
    }

    private static string Temporary(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");

    /// <summary>Creates the temporary file, with errors that name the path the caller gave rather than the temporary file.</summary>
    private static FileStream Create(string path, string fullPath, string temporary)
    {
        string directory = Path.GetDirectoryName(fullPath)!;
        if (Directory.Exists(fullPath))
        {
            throw new IOException($"Cannot save {path}: it is a folder; give a file name.");
        }

        try
        {
            return new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new DirectoryNotFoundException($"Cannot save {path}: the folder {directory} does not exist.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"Cannot save {path}: no permission to create a file in {directory}.", e);
        }
        catch (IOException e)
        {
            throw new IOException($"Cannot save {path}: {e.Message}", e);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original error matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
