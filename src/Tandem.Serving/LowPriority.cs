using System.Runtime.InteropServices;

namespace Tandem.Serving;

/// <summary>
/// Runs work on a thread of its own at the lowest scheduling priority, so that a reload (reading
/// the model, building its index) takes the cores only when requests leave them idle.
/// </summary>
static class LowPriority
{
    /// <summary>The result of <paramref name="work"/>, run on a new background thread at nice 19 (Linux) or the lowest thread priority.</summary>
    public static Task<T> Run<T>(string name, Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            Lower();
            try { done.SetResult(work()); }
            catch (Exception e) { done.SetException(e); }
        })
        { IsBackground = true, Name = name, Priority = ThreadPriority.Lowest };
        thread.Start();
        return done.Task;
    }

    /// <summary>.NET's thread priority leaves Linux's scheduler unmoved; the thread's own nice value moves it.</summary>
    static void Lower()
    {
        if (OperatingSystem.IsLinux()) _ = SetPriority(ProcessWho, GetThreadId(), 19);
    }

    /// <summary>PRIO_PROCESS: with a thread id, Linux applies the nice value to that thread alone.</summary>
    const int ProcessWho = 0;

    [DllImport("libc", EntryPoint = "setpriority")]
    static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    static extern int GetThreadId();
}
