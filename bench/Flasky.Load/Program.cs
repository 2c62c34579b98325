using System.Globalization;
using System.Text;
using Flasky.Check.Auth;
using Flasky.Load;

Console.OutputEncoding = Encoding.UTF8;
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

try
{
    var options = HarnessOptions.Parse(args);
    if (options is null)
    {
        Console.WriteLine(HarnessOptions.Usage);
        return 0;
    }

    return await Harness.RunAsync(options, Console.Out, cancellation.Token);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync(ex.Message + "\n\n" + HarnessOptions.Usage);
    return 2;
}
