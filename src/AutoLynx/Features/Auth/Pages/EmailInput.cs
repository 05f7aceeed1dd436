using System.ComponentModel.DataAnnotations;

namespace AutoLynx.Features.Auth.Pages;

public sealed class EmailInput
{
    [Required(ErrorMessage = "Enter your email."), EmailAddress(ErrorMessage = "Enter a valid email address."), StringLength(256)]
    public string Email { get; set; } = "";
}
