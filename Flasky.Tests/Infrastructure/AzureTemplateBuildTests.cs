namespace Flasky.Tests.Infrastructure;

/// <summary>
/// Bicep type-checks every resource property against Azure's published schemas offline, but reports most mistakes
/// (unknown property BCP037/BCP089, wrong type BCP036, linter rules) as warnings with exit code 0. So the gate is:
/// exit 0 and nothing printed at all.
/// </summary>
[Collection(SharedAzureTemplate.Name)]
public sealed class AzureTemplateBuildTests(AzureTemplateFixture template)
{
    [Fact]
    public void Bicep_build_succeeds_without_any_diagnostic()
    {
        Assert.True(template.Build.ExitCode == 0 && template.Build.StandardError.Trim().Length == 0,
            $"bicep build {AzureTemplateFixture.MainBicep}:\n{template.Build.Diagnostics}");
    }

    [Fact]
    public void Bicep_lint_reports_nothing()
    {
        Assert.True(template.Lint.ExitCode == 0
                && template.Lint.StandardError.Trim().Length == 0
                && template.Lint.StandardOutput.Trim().Length == 0,
            $"bicep lint {AzureTemplateFixture.MainBicep}:\n{template.Lint.Diagnostics}");
    }

    [Fact]
    public void Template_targets_the_subscription_and_creates_the_azd_resource_group()
    {
        Assert.Contains("subscriptionDeploymentTemplate", template.Root.GetProperty("$schema").GetString());
        var (_, group) = template.SingleResource("Microsoft.Resources/resourceGroups");
        Assert.Equal("[format('{0}{1}', variables('abbrs').resourcesResourceGroups, parameters('environmentName'))]",
            group.GetProperty("name").GetString());
        Assert.Equal("rg-", template.Resolve("", template.Root.GetProperty("variables").GetProperty("abbrs"))
            .GetProperty("resourcesResourceGroups").GetString());
        Assert.Equal("[parameters('environmentName')]",
            template.Resolve("", template.Root.GetProperty("variables").GetProperty("tags")).GetProperty("azd-env-name").GetString());
    }
}
